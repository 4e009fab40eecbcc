using System.Text.Unicode;

namespace Tern.Engine.Protocol.Fetch;

/// <summary>
/// The payload of a <c>goaway</c> frame (docs/PROTOCOL.md §8.3): a code and a UTF-8 reason of at most
/// 256 bytes, a span into the payload or the caller's buffer. The sender closes after it.
/// </summary>
public readonly ref struct GoAway
{
    /// <summary>Smallest payload: the code and an empty reason.</summary>
    public const int MinSize = 1;

    /// <summary>Largest payload: the code and the longest reason.</summary>
    public const int MaxSize = 1 + FrameLimits.MaxGoAwayReasonLength;

    /// <summary>Creates a goaway; <paramref name="reason"/> is UTF-8.</summary>
    public GoAway(GoAwayCode code, ReadOnlySpan<byte> reason)
    {
        Code = code;
        Reason = reason;
    }

    /// <summary>Why the connection ends.</summary>
    public GoAwayCode Code { get; }

    /// <summary>Human-readable detail, UTF-8, possibly empty.</summary>
    public ReadOnlySpan<byte> Reason { get; }

    /// <summary>Payload length when written.</summary>
    public int EncodedLength => 1 + Reason.Length;

    /// <summary>True when the code is known and the reason is valid UTF-8 of at most 256 bytes.</summary>
    public bool IsValid => Validate(Code, Reason) == FrameError.None;

    /// <summary>Parses a <c>goaway</c> payload (docs/PROTOCOL.md §8.3); false with a reason for an unknown code, a long reason or bad UTF-8.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out GoAway goAway, out FrameError error)
    {
        goAway = default;
        if (payload.Length is < MinSize or > MaxSize)
        {
            error = FrameError.BadPayloadSize;
            return false;
        }

        error = Validate((GoAwayCode)payload[0], payload[1..]);
        if (error != FrameError.None)
        {
            return false;
        }

        goAway = new GoAway((GoAwayCode)payload[0], payload[1..]);
        return true;
    }

    /// <summary>Writes the payload (docs/PROTOCOL.md §8.3) and returns its length; throws when the fields are invalid.</summary>
    public int Write(Span<byte> destination)
    {
        var error = Validate(Code, Reason);
        if (error != FrameError.None)
        {
            throw new ArgumentException($"The goaway breaks docs/PROTOCOL.md §8.3: {error}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, EncodedLength, nameof(destination));
        destination[0] = (byte)Code;
        Reason.CopyTo(destination[1..]);
        return EncodedLength;
    }

    private static FrameError Validate(GoAwayCode code, ReadOnlySpan<byte> reason)
    {
        if (code > GoAwayCode.InternalError)
        {
            return FrameError.UnknownGoAwayCode;
        }

        if (reason.Length > FrameLimits.MaxGoAwayReasonLength)
        {
            return FrameError.BadPayloadSize;
        }

        return Utf8.IsValid(reason) ? FrameError.None : FrameError.BadReason;
    }
}
