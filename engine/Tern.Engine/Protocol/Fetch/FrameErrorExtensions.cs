namespace Tern.Engine.Protocol.Fetch;

/// <summary>Turns a <see cref="FrameError"/> into the <c>goaway</c> a receiver sends before it closes (docs/PROTOCOL.md §8.2).</summary>
public static class FrameErrorExtensions
{
    /// <summary>The goaway code for <paramref name="error"/>: <see cref="GoAwayCode.FrameTooLarge"/> or <see cref="GoAwayCode.ProtocolError"/>.</summary>
    public static GoAwayCode ToGoAwayCode(this FrameError error)
        => error switch
        {
            FrameError.None => GoAwayCode.Normal,
            FrameError.FrameTooLarge => GoAwayCode.FrameTooLarge,
            _ => GoAwayCode.ProtocolError,
        };

    /// <summary>A short ASCII reason for the goaway frame; constant bytes, so sending it allocates nothing.</summary>
    public static ReadOnlySpan<byte> ToReason(this FrameError error)
        => error switch
        {
            FrameError.None => ""u8,
            FrameError.BadPreface => "bad preface"u8,
            FrameError.FrameTooLarge => "frame too large"u8,
            FrameError.UnknownType => "unknown frame type"u8,
            FrameError.BadStreamId => "bad stream id"u8,
            FrameError.BadFlags => "bad flags"u8,
            FrameError.BadPayloadSize => "bad payload size"u8,
            FrameError.UnknownStatus => "unknown meta status"u8,
            FrameError.BadRange => "bad range"u8,
            FrameError.BadMimeHint => "bad mime hint"u8,
            FrameError.UnknownGoAwayCode => "unknown goaway code"u8,
            FrameError.BadReason => "goaway reason is not utf-8"u8,
            _ => "protocol error"u8,
        };
}
