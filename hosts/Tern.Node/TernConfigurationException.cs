namespace Tern.Node;

/// <summary>
/// A configuration the node cannot start with. The message names the key (<c>Tern:Transit:BlobPageSizeBits</c>), the
/// value found and the rule it breaks, so an operator can fix the file or variable without reading code.
/// </summary>
public sealed class TernConfigurationException : Exception
{
    /// <summary>Creates the error for <paramref name="key"/> holding <paramref name="value"/>, which breaks <paramref name="rule"/>.</summary>
    public TernConfigurationException(string key, string? value, string rule, Exception? inner = null)
        : base($"configuration {key} = '{value ?? "(not set)"}' is invalid: {rule}", inner)
    {
        Key = key;
        Value = value;
        Rule = rule;
    }

    /// <summary>Creates the error from a message alone (a key that cannot be named).</summary>
    public TernConfigurationException(string message)
        : base(message)
    {
        Key = "";
        Rule = message;
    }

    /// <summary>Creates the error from a message and its cause.</summary>
    public TernConfigurationException(string message, Exception inner)
        : base(message, inner)
    {
        Key = "";
        Rule = message;
    }

    /// <summary>Creates an empty error (for serializers and analyzers).</summary>
    public TernConfigurationException()
        : this("invalid configuration")
    {
    }

    /// <summary>The full configuration key, sections joined by ':'.</summary>
    public string Key { get; }

    /// <summary>The value as configured (formatted), or null when it was not set.</summary>
    public string? Value { get; }

    /// <summary>What the value must be.</summary>
    public string Rule { get; }
}
