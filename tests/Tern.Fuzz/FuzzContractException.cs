namespace Tern.Fuzz;

/// <summary>Thrown by a target when a parser returned but broke its contract (an invariant or the allocation budget).</summary>
public sealed class FuzzContractException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FuzzContractException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public FuzzContractException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public FuzzContractException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
