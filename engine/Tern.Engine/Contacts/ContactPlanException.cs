namespace Tern.Engine.Contacts;

/// <summary>
/// A contact plan refused by <see cref="ContactPlanReader"/>. The message names the contact (its id, or its place in the
/// list), the field, the value found and the rule it breaks, so an operator can fix the file without reading code.
/// </summary>
public sealed class ContactPlanException : Exception
{
    /// <summary>Creates the error for <paramref name="field"/> of <paramref name="contact"/> holding <paramref name="value"/>.</summary>
    public ContactPlanException(string contact, string field, string? value, string rule)
        : base($"contact plan: {contact}: {field} = '{value ?? "(absent)"}' is invalid: {rule}")
    {
        Contact = contact;
        Field = field;
        Value = value;
        Rule = rule;
    }

    /// <summary>Creates an error from a message alone.</summary>
    public ContactPlanException(string message)
        : base(message)
    {
        Contact = "";
        Field = "";
        Rule = message;
    }

    /// <summary>Creates an error from a message and its cause.</summary>
    public ContactPlanException(string message, Exception inner)
        : base(message, inner)
    {
        Contact = "";
        Field = "";
        Rule = message;
    }

    /// <summary>Creates an empty error (for serializers and analyzers).</summary>
    public ContactPlanException()
        : this("invalid contact plan")
    {
    }

    /// <summary>The contact at fault: <c>contacts[2] "geo-down"</c>, or <c>plan</c> for the document itself.</summary>
    public string Contact { get; }

    /// <summary>The JSON field at fault, e.g. <c>rateBitsPerSecond</c>.</summary>
    public string Field { get; }

    /// <summary>The value found, as written; null when absent.</summary>
    public string? Value { get; }

    /// <summary>The rule the value breaks.</summary>
    public string Rule { get; }
}
