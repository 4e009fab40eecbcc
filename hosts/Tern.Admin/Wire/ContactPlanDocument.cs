namespace Tern.Admin.Wire;

/// <summary>A contact plan as <c>PUT /contacts</c> takes it and the plan file holds it (docs/OPERATIONS.md, "Contact plans").</summary>
/// <param name="Contacts">The contacts.</param>
public sealed record ContactPlanDocument(IReadOnlyList<ContactPlanEntry> Contacts);
