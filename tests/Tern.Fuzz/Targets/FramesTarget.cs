using System.Buffers;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Fuzz.Targets;

/// <summary>
/// A framed connection's input (docs/PROTOCOL.md §8.2–8.3): the preface, then frames until one is incomplete or refused,
/// each fixed-layout payload decoded. The bytes are read twice, as one segment and cut every 7 bytes (headers and
/// payloads then straddle segments), and both reads must see the same frames and the same error; a third read uses the
/// QUIC door's reader, which ignores stream ids.
/// </summary>
internal sealed class FramesTarget : IFuzzTarget
{
    private static readonly FrameReader QuicReader = new(checkStreamIds: false);
    private byte[] _copy = new byte[4096];

    public string Name => "frames";

    public string Covers => "framed fetch door input: FramePreface.TryRead, FrameReader.TryParse (whole and split input), FetchRequest/FetchMeta/GoAway.TryRead, ping data";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (_copy.Length < input.Length)
        {
            _copy = new byte[Math.Max(input.Length, _copy.Length * 2)];
        }

        input.CopyTo(_copy);
        var bytes = _copy.AsMemory(0, input.Length);
        var whole = Scan(SplitSequence.Of(bytes, 0), FrameReader.Default);
        var split = Scan(SplitSequence.Of(bytes, 7), FrameReader.Default);
        if (whole != split)
        {
            throw new FuzzContractException($"one segment read {whole}; split every 7 bytes read {split}");
        }

        Scan(SplitSequence.Of(bytes, 0), QuicReader);
    }

    /// <summary>Reads the connection; returns a digest of every frame seen and how the input ended.</summary>
    private static (ulong Digest, int Frames, FrameError Error) Scan(ReadOnlySequence<byte> input, FrameReader reader)
    {
        var consumed = input.Start;
        var examined = input.End;
        if (!FramePreface.TryRead(input, ref consumed, ref examined, out var error))
        {
            return (0, 0, error);
        }

        ulong digest = 17;
        var frames = 0;
        Span<byte> scratch = stackalloc byte[FrameLimits.MaxControlPayloadSize];
        var rest = input.Slice(consumed);
        while (reader.TryParse(rest, ref consumed, ref examined, out var frame, out error))
        {
            frames++;
            digest = Mix(digest, frame.Header.GetHashCode());
            digest = Mix(digest, (int)Decode(frame, scratch));
            rest = rest.Slice(consumed);
        }

        return (digest, frames, error);
    }

    private static FrameError Decode(in Frame frame, Span<byte> scratch)
    {
        FrameError error;
        switch (frame.Type)
        {
            case FrameType.Fetch:
                FetchRequest.TryRead(frame.GetPayloadSpan(scratch), out _, out error);
                return error;
            case FrameType.Meta:
                FetchMeta.TryRead(frame.GetPayloadSpan(scratch), out _, out error);
                return error;
            case FrameType.GoAway:
                GoAway.TryRead(frame.GetPayloadSpan(scratch), out _, out error);
                return error;
            case FrameType.Ping or FrameType.Pong:
                return frame.TryGetPingData(out _) ? FrameError.None : FrameError.BadPayloadSize;
            default:
                return FrameError.None;
        }
    }

    private static ulong Mix(ulong digest, int value) => unchecked((digest * 1_099_511_628_211UL) ^ (uint)value);

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        var root = vectors.File("fetch-frames.json");
        var preface = VectorSeeds.Hex(root, "preface");
        var connection = new List<byte>(preface);
        foreach (var frame in root.GetProperty("frames").EnumerateArray())
        {
            var bytes = VectorSeeds.Hex(frame, "frame");
            // The descriptor frame alone is 2 KB of base64 that the frame reader never looks into.
            if (VectorSeeds.Text(frame, "name") != "descriptor")
            {
                connection.AddRange(bytes);
                yield return new Seed("preface-" + VectorSeeds.Text(frame, "name"), [.. preface, .. bytes]);
            }
        }

        yield return new Seed("preface", preface);
        yield return new Seed("connection", [.. connection]);
    }
}
