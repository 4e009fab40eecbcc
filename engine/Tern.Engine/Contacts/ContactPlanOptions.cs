namespace Tern.Engine.Contacts;

/// <summary>Where a gateway's contact plan is read from (section <c>Tern:Contacts</c>; docs/OPERATIONS.md, "Contact plans").</summary>
public sealed class ContactPlanOptions
{
    /// <summary>The plan's file name in the data directory, used when <see cref="PlanPath"/> is not set.</summary>
    public const string DefaultFileName = "contacts.json";

    /// <summary>
    /// The plan file: read at start (a missing file is an empty plan: nothing held), written by <c>PUT /admin/v1/contacts</c>
    /// and read again by <c>POST /admin/v1/config/reload</c>. Defaults to <c>&lt;data directory&gt;/contacts.json</c>.
    /// </summary>
    public string? PlanPath { get; set; }
}
