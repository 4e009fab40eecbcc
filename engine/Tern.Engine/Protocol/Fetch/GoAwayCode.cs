namespace Tern.Engine.Protocol.Fetch;

/// <summary>The <c>code</c> byte of a <see cref="FrameType.GoAway"/> frame (docs/PROTOCOL.md §8.3).</summary>
public enum GoAwayCode : byte
{
    /// <summary>An orderly close.</summary>
    Normal = 0,

    /// <summary>The peer broke the framing rules (§8.2).</summary>
    ProtocolError = 1,

    /// <summary>A frame's length exceeded the receiver's maximum.</summary>
    FrameTooLarge = 2,

    /// <summary>The peer opened more concurrent streams than the receiver allows.</summary>
    TooManyStreams = 3,

    /// <summary>The sender failed on its own side.</summary>
    InternalError = 4,
}
