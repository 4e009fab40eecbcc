namespace Tern.Engine.Protocol.Descriptor;

/// <summary>Sizes and limits of the domain descriptor and its signed document, version 1 (docs/PROTOCOL.md §6, §12).</summary>
public static class DescriptorLimits
{
    /// <summary>The descriptor format this code speaks (<c>version</c>).</summary>
    public const int Version = 1;
    /// <summary>Largest signed document (the outer JSON) in bytes.</summary>
    public const int MaxDocumentSize = 16 * 1024;
    /// <summary>Largest descriptor (the signed UTF-8 JSON bytes).</summary>
    public const int MaxDescriptorSize = 8 * 1024;
    /// <summary>Entries per list (<c>protocols</c>, <c>notify</c>, <c>fetch</c>).</summary>
    public const int MaxListEntries = 8;
    /// <summary>Longest list entry, in characters.</summary>
    public const int MaxEntryLength = 200;
    /// <summary>Largest <c>max_transit_seconds</c>: 30 days.</summary>
    public const int MaxTransitSeconds = 2_592_000;
    /// <summary>
    /// Deepest nesting of objects and arrays a verifier accepts. The descriptor needs 2 (object, list); the
    /// rest leaves room for unknown fields without letting a hostile document recurse.
    /// </summary>
    public const int MaxJsonDepth = 4;
    /// <summary>Latest time a descriptor may carry: 9999-12-31T23:59:59Z, the end of <see cref="DateTimeOffset"/>.</summary>
    public const long MaxUnixSeconds = 253_402_300_799;
    /// <summary>Longest key rotation overlap window (<c>previous_until</c> − <c>rotates_at</c>, §16.1): 30 days.</summary>
    public const long MaxRotationWindowSeconds = 2_592_000;
    /// <summary>The protocol version string listed in <c>protocols</c>.</summary>
    public const string ProtocolV1 = "tern/1";
}
