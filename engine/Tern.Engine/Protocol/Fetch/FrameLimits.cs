namespace Tern.Engine.Protocol.Fetch;

/// <summary>Sizes and limits of the framed fetch door, version 1 (docs/PROTOCOL.md §8.2, §8.3, §12).</summary>
public static class FrameLimits
{
    /// <summary>Largest frame payload the protocol allows: 1 MiB.</summary>
    public const int MaxPayloadSize = 1024 * 1024;

    /// <summary>Largest <c>data</c> payload, so one blob cannot stall the others on a connection.</summary>
    public const int MaxDataPayloadSize = 64 * 1024;

    /// <summary>Largest <c>proof</c> payload: 64 KiB, a whole number of 32-byte hashes (§8.3).</summary>
    public const int MaxProofPayloadSize = 64 * 1024;

    /// <summary>Largest <c>descriptor</c> payload: the signed descriptor document limit of §12.</summary>
    public const int MaxDescriptorPayloadSize = 16 * 1024;

    /// <summary>Longest <c>goaway</c> reason in bytes.</summary>
    public const int MaxGoAwayReasonLength = 256;

    /// <summary>Longest MIME hint in bytes (the same rule as in notifications, §4.2).</summary>
    public const int MaxMimeHintLength = 127;

    /// <summary>Payload of <c>ping</c> and <c>pong</c>.</summary>
    public const int PingPayloadSize = 8;

    /// <summary>
    /// Largest payload of any frame with a fixed layout (<c>fetch</c>, <c>meta</c>, <c>goaway</c>, <c>ping</c>,
    /// <c>pong</c>): a <c>goaway</c> with the longest reason. A reader's maximum never goes below it, and a
    /// scratch buffer of this size holds any of them.
    /// </summary>
    public const int MaxControlPayloadSize = 1 + MaxGoAwayReasonLength;
}
