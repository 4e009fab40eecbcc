using System.Buffers;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Engine.Tests.Protocol;

/// <summary>Builds multi-segment inputs the way a pipe hands them over, each segment its own exact-length array.</summary>
internal static class FetchTestBuffers
{
    /// <summary>One segment per byte: the worst fragmentation a pipe can produce.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(ReadOnlySpan<byte> bytes)
    {
        var cuts = new int[Math.Max(0, bytes.Length - 1)];
        for (var i = 0; i < cuts.Length; i++)
        {
            cuts[i] = i + 1;
        }

        return Split(bytes, cuts);
    }

    /// <summary>Splits at the given ascending offsets; repeated offsets make empty segments, which pipes also produce.</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> bytes, params int[] cuts)
    {
        if (cuts.Length == 0)
        {
            return new ReadOnlySequence<byte>(bytes.ToArray());
        }

        Segment? first = null;
        Segment? last = null;
        var start = 0;
        for (var i = 0; i <= cuts.Length; i++)
        {
            var end = i < cuts.Length ? cuts[i] : bytes.Length;
            var segment = new Segment(bytes[start..end].ToArray());
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.Append(segment);
            }

            last = segment;
            start = end;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    /// <summary>Random ascending cut points inside <paramref name="length"/> bytes.</summary>
    public static int[] RandomCuts(Random random, int length)
    {
        var cuts = new int[random.Next(0, Math.Min(length, 6) + 1)];
        for (var i = 0; i < cuts.Length; i++)
        {
            cuts[i] = random.Next(0, length + 1);
        }

        Array.Sort(cuts);
        return cuts;
    }

    /// <summary>Parses frames until the reader stops; returns each frame's header and payload copy, and the stop reason.</summary>
    public static List<(FrameHeader Header, byte[] Payload)> ParseAll(FrameReader reader, ReadOnlySequence<byte> input, out FrameError error, out long consumedBytes)
    {
        var frames = new List<(FrameHeader, byte[])>();
        var start = input.Start;
        consumedBytes = 0;
        while (true)
        {
            var rest = input.Slice(start);
            SequencePosition consumed = rest.Start, examined = rest.End;
            if (!reader.TryParse(rest, ref consumed, ref examined, out var frame, out error))
            {
                Assert.Equal(rest.Start, consumed);
                Assert.Equal(rest.End, examined);
                return frames;
            }

            Assert.Equal(consumed, examined);
            Assert.Equal(frame.Header.Length, (uint)frame.Payload.Length);
            var length = rest.Slice(0, consumed).Length;
            Assert.Equal(FrameHeader.Size + frame.Header.Length, length);
            consumedBytes += length;
            frames.Add((frame.Header, frame.Payload.ToArray()));
            start = consumed;
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes) => Memory = bytes;

        public void Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
        }
    }
}
