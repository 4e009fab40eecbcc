namespace Tern.Admin.Wire;

/// <summary>The contact plan in force on a gateway and, per contact, what it holds for the destination and how the link is used today (UTC).</summary>
/// <param name="Source">This node's domain: the source of the contacts it sends on.</param>
/// <param name="At">The instant the report was made.</param>
/// <param name="PlanPath">The file the plan is read from and written to.</param>
/// <param name="Contacts">Every contact of the plan, in the plan's order.</param>
public sealed record ContactsReport(string Source, DateTimeOffset At, string PlanPath, IReadOnlyList<ContactItem> Contacts);
