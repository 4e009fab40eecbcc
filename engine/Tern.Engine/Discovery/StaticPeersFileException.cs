namespace Tern.Engine.Discovery;

/// <summary>The static peers file cannot be used; the message names the file, the entry and the rule broken.</summary>
public sealed class StaticPeersFileException : Exception
{
    /// <summary>An error about the file.</summary>
    public StaticPeersFileException()
    {
    }

    /// <summary>An error about the file, in words.</summary>
    public StaticPeersFileException(string message)
        : base(message)
    {
    }

    /// <summary>An error about the file, in words, caused by <paramref name="innerException"/>.</summary>
    public StaticPeersFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
