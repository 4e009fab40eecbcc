namespace Tern.Engine.Transit;

/// <summary>A submission refused by a quota; the message names the limit and its configured value.</summary>
public sealed class TransitQuotaException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TransitQuotaException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TransitQuotaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public TransitQuotaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Name of the limit (the <see cref="TransitStoreOptions"/> property).</summary>
    public string? Limit { get; init; }
}
