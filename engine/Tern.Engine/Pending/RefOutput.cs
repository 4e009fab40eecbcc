namespace Tern.Engine.Pending;

/// <summary>
/// Read output of the reference store: a caller-owned pinned buffer that the value is copied into. A plain
/// pointer (not FASTER's SpanByteAndMemory) so that reads never rent from a memory pool.
/// </summary>
internal unsafe struct RefOutput
{
    public byte* Buffer;
    public int Capacity;
    public int Length;

    public readonly ReadOnlySpan<byte> Span => new(Buffer, Length);
}
