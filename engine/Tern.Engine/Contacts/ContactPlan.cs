namespace Tern.Engine.Contacts;

/// <summary>
/// A validated contact plan (docs/OPERATIONS.md, "Contact plans"): its contacts in the order written, no two windows of
/// one source–destination pair overlapping. Immutable; a reload builds a new one and swaps it whole.
/// </summary>
public sealed class ContactPlan
{
    /// <summary>The plan with no contact: nothing is held.</summary>
    public static ContactPlan Empty { get; } = new([]);

    /// <summary>Creates a plan of contacts already validated (<see cref="ContactPlanReader"/> does).</summary>
    public ContactPlan(IReadOnlyList<ContactDefinition> contacts)
    {
        ArgumentNullException.ThrowIfNull(contacts);
        Contacts = contacts;
    }

    /// <summary>The contacts, in the order of the document.</summary>
    public IReadOnlyList<ContactDefinition> Contacts { get; }
}
