using System.Buffers;

namespace Tern.Engine.Protocol.Fetch;

/// <summary>
/// Reads frames of the framed fetch door from a pipe's buffer (docs/PROTOCOL.md §8.2), in the shape of
/// Bedrock's <c>IMessageReader</c>. Everything the header can tell — length against the maximum, type,
/// stream, flags, payload size for the type — is checked as soon as the 10 header bytes are in, so an
/// oversized or malformed frame is refused before a single payload byte is buffered. Immutable and
/// stateless: one instance can serve every connection.
/// </summary>
public sealed class FrameReader
{
    private readonly uint _maxPayloadSize;
    private readonly bool _checkStreamIds;

    /// <summary>A reader with the protocol's 1 MiB maximum that checks stream ids (the TCP door).</summary>
    public static FrameReader Default { get; } = new();

    /// <summary>Creates a reader.</summary>
    /// <param name="maxPayloadSize">
    /// Largest payload accepted; at most <see cref="FrameLimits.MaxPayloadSize"/> and at least
    /// <see cref="FrameLimits.MaxControlPayloadSize"/>, so every fixed-layout frame still fits. Defaults to 1 MiB.
    /// </param>
    /// <param name="checkStreamIds">
    /// Whether stream frames must be on a non-zero stream and connection frames on stream 0. False on the
    /// QUIC door (§8.4), where the field is 0 and ignored. Defaults to true.
    /// </param>
    public FrameReader(int maxPayloadSize = FrameLimits.MaxPayloadSize, bool checkStreamIds = true)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPayloadSize, FrameLimits.MaxPayloadSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadSize, FrameLimits.MaxControlPayloadSize);
        _maxPayloadSize = (uint)maxPayloadSize;
        _checkStreamIds = checkStreamIds;
    }

    /// <summary>Largest payload this reader accepts.</summary>
    public int MaxPayloadSize => (int)_maxPayloadSize;

    /// <summary>
    /// Reads one frame from the start of <paramref name="input"/> (docs/PROTOCOL.md §8.2, §8.3).
    /// <list type="bullet">
    /// <item>True: <paramref name="frame"/> holds the frame, its payload a slice of <paramref name="input"/>;
    /// <paramref name="consumed"/> and <paramref name="examined"/> are just past it.</item>
    /// <item>False with <see cref="FrameError.None"/>: the frame is incomplete; nothing is consumed and
    /// everything is examined, so the pipe waits for more.</item>
    /// <item>False with any other error: a protocol error; send <c>goaway</c> and close.</item>
    /// </list>
    /// Never throws on any input and never looks past <paramref name="input"/>.
    /// </summary>
    public bool TryParse(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out Frame frame, out FrameError error)
    {
        frame = default;
        consumed = input.Start;
        examined = input.End;
        if (input.Length < FrameHeader.Size)
        {
            error = FrameError.None;
            return false;
        }

        FrameHeader header;
        var first = input.FirstSpan;
        if (first.Length >= FrameHeader.Size)
        {
            FrameHeader.TryRead(first, out header);
        }
        else
        {
            Span<byte> bytes = stackalloc byte[FrameHeader.Size];
            input.Slice(0, FrameHeader.Size).CopyTo(bytes);
            FrameHeader.TryRead(bytes, out header);
        }

        error = Check(header);
        if (error != FrameError.None || input.Length - FrameHeader.Size < header.Length)
        {
            return false;
        }

        var payload = input.Slice(FrameHeader.Size, header.Length);
        frame = new Frame(header, payload);
        consumed = examined = payload.End;
        return true;
    }

    /// <summary>Everything the header alone decides (docs/PROTOCOL.md §8.2, §8.3, §12).</summary>
    private FrameError Check(in FrameHeader header)
    {
        // The length comes first: refusing a huge frame must not depend on anything else in it.
        if (header.Length > _maxPayloadSize)
        {
            return FrameError.FrameTooLarge;
        }

        if (header.Type is < FrameType.Fetch or > FrameType.UserKeys)
        {
            return FrameError.UnknownType;
        }

        if (_checkStreamIds && IsStreamFrame(header.Type) != (header.StreamId != 0))
        {
            return FrameError.BadStreamId;
        }

        // end_stream is harmless anywhere; head and proof mean something only on fetch; other bits are undefined in v1.
        var allowedFlags = header.Type == FrameType.Fetch ? FrameFlags.EndStream | FrameFlags.Head | FrameFlags.Proof : FrameFlags.EndStream;
        if ((header.Flags & ~allowedFlags) != 0)
        {
            return FrameError.BadFlags;
        }

        return LengthFits(header.Type, header.Length) ? FrameError.None : FrameError.BadPayloadSize;
    }

    /// <summary>Frames that belong to one fetch, as opposed to the connection (docs/PROTOCOL.md §8.3).</summary>
    private static bool IsStreamFrame(FrameType type)
        => type is FrameType.Fetch or FrameType.Meta or FrameType.Data or FrameType.Cancel or FrameType.Proof
            or FrameType.UserKeysRequest or FrameType.UserKeys;

    /// <summary>
    /// The payload sizes of docs/PROTOCOL.md §8.3 and §12 that the header can check. A <c>meta</c> or <c>goaway</c>
    /// is only bounded here; <see cref="FetchMeta"/> and <see cref="GoAway"/> check its exact size against its fields.
    /// </summary>
    private static bool LengthFits(FrameType type, uint length) => type switch
    {
        FrameType.Fetch => length == FetchRequest.Size,
        FrameType.Meta => length is >= FetchMeta.FailureSize and <= FetchMeta.MaxSize,
        // Empty data is legal: it carries end_stream for an empty range or a zero-length blob.
        FrameType.Data => length <= FrameLimits.MaxDataPayloadSize,
        FrameType.Cancel or FrameType.DescriptorRequest => length == 0,
        FrameType.GoAway => length is >= GoAway.MinSize and <= GoAway.MaxSize,
        FrameType.Descriptor => length is >= 1 and <= FrameLimits.MaxDescriptorPayloadSize,
        FrameType.Ping or FrameType.Pong => length == FrameLimits.PingPayloadSize,
        FrameType.Proof => length is >= Bytes32.Size and <= FrameLimits.MaxProofPayloadSize && length % Bytes32.Size == 0,
        FrameType.UserKeysRequest => length == Bytes32.Size,
        FrameType.UserKeys => length is >= 1 and <= 1 + UserKeys.UserKeyBundle.MaxSize,
        _ => false,
    };
}
