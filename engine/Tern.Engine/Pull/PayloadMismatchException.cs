namespace Tern.Engine.Pull;

/// <summary>
/// Fetched bytes or a range proof do not match the notified payload hash (docs/PROTOCOL.md §4.8): the source served
/// something else. The partial file keeps every chunk checked before it; the pull moves to the next source.
/// </summary>
public sealed class PayloadMismatchException : Exception
{
    /// <summary>A mismatch at chunk <paramref name="chunk"/> (-1 for a proof).</summary>
    public PayloadMismatchException(long chunk, string message)
        : base(message) => Chunk = chunk;

    /// <summary>An empty exception (for serializers and analyzers).</summary>
    public PayloadMismatchException()
        : this(-1, "The payload does not match its hash.")
    {
    }

    /// <summary>A mismatch with a message.</summary>
    public PayloadMismatchException(string message)
        : this(-1, message)
    {
    }

    /// <summary>A mismatch with a message and a cause.</summary>
    public PayloadMismatchException(string message, Exception innerException)
        : base(message, innerException) => Chunk = -1;

    /// <summary>The chunk that did not match, or -1 when the proof did not.</summary>
    public long Chunk { get; }
}
