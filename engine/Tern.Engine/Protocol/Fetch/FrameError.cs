namespace Tern.Engine.Protocol.Fetch;

/// <summary>
/// Why a preface, frame or frame payload was rejected (docs/PROTOCOL.md §8.2–8.3). Every value but
/// <see cref="None"/> is a protocol error: the receiver sends <c>goaway</c> (<see cref="FrameErrorExtensions.ToGoAwayCode"/>)
/// and closes.
/// </summary>
public enum FrameError : byte
{
    /// <summary>Accepted, or (from a reader that returned false) not enough bytes yet.</summary>
    None = 0,

    /// <summary>The connection did not open with <c>TERN/1\r\n</c>.</summary>
    BadPreface,

    /// <summary>The <c>length</c> field exceeds the receiver's maximum payload.</summary>
    FrameTooLarge,

    /// <summary>The <c>type</c> byte is not one of §8.3 (reserved types count as unknown in v1).</summary>
    UnknownType,

    /// <summary>A stream frame on stream 0, or a connection frame on a non-zero stream.</summary>
    BadStreamId,

    /// <summary>A flag bit that is undefined, or <c>head</c> on a frame other than <c>fetch</c>.</summary>
    BadFlags,

    /// <summary>The payload length is wrong for the frame type, or disagrees with the payload's own fields.</summary>
    BadPayloadSize,

    /// <summary>A <c>meta</c> status outside §8.3.</summary>
    UnknownStatus,

    /// <summary>A <c>meta</c> whose offset and length do not fit inside its total size, or a value beyond 2^63 − 1.</summary>
    BadRange,

    /// <summary>A MIME hint longer than 127 bytes or not printable ASCII.</summary>
    BadMimeHint,

    /// <summary>A <c>goaway</c> code outside §8.3.</summary>
    UnknownGoAwayCode,

    /// <summary>A <c>goaway</c> reason that is not valid UTF-8.</summary>
    BadReason,
}
