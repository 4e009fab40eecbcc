using System.Buffers;

namespace Tern.Engine.Protocol.Fetch;

/// <summary>The 8-byte preface both sides send first on a framed connection (docs/PROTOCOL.md §8.2).</summary>
public static class FramePreface
{
    /// <summary>Length in bytes.</summary>
    public const int Size = 8;

    /// <summary><c>TERN/1\r\n</c>.</summary>
    public static ReadOnlySpan<byte> Bytes => "TERN/1\r\n"u8;

    /// <summary>True when <paramref name="source"/> is exactly the preface.</summary>
    public static bool IsPreface(ReadOnlySpan<byte> source) => source.SequenceEqual(Bytes);

    /// <summary>
    /// Checks the start of a connection's input for the preface (docs/PROTOCOL.md §8.2). True when it is there
    /// (<paramref name="consumed"/> is past it). False with <see cref="FrameError.None"/> when the bytes so far
    /// match but are fewer than 8; false with <see cref="FrameError.BadPreface"/> as soon as a byte differs, so
    /// a peer speaking something else is dropped without waiting for 8 bytes.
    /// </summary>
    public static bool TryRead(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out FrameError error)
    {
        consumed = input.Start;
        examined = input.End;
        var available = (int)Math.Min(input.Length, Size);
        Span<byte> head = stackalloc byte[Size];
        input.Slice(0, available).CopyTo(head);
        if (!head[..available].SequenceEqual(Bytes[..available]))
        {
            error = FrameError.BadPreface;
            return false;
        }

        error = FrameError.None;
        if (available < Size)
        {
            return false;
        }

        consumed = examined = input.GetPosition(Size);
        return true;
    }
}
