using System.Buffers;

namespace Tern.Fuzz.Targets;

/// <summary>Bytes as a <see cref="ReadOnlySequence{T}"/> of segments of a given size, as a pipe may hand them over.</summary>
internal sealed class SplitSequence : ReadOnlySequenceSegment<byte>
{
    private SplitSequence(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary><paramref name="bytes"/> cut every <paramref name="segmentSize"/> bytes (one segment when it is 0).</summary>
    public static ReadOnlySequence<byte> Of(ReadOnlyMemory<byte> bytes, int segmentSize)
    {
        if (segmentSize <= 0 || bytes.Length <= segmentSize)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new SplitSequence(bytes[..segmentSize], 0);
        var last = first;
        for (var at = segmentSize; at < bytes.Length; at += segmentSize)
        {
            var next = new SplitSequence(bytes[at..Math.Min(bytes.Length, at + segmentSize)], at);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
