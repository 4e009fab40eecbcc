using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Vectors;

/// <summary>The fields of one notification record (docs/PROTOCOL.md §4.2), as the generator holds them.</summary>
internal sealed record NotificationInput(
    FetchCapability Capability,
    RecipientHash RecipientHash,
    long TransitExpiryMs,
    long PayloadSize,
    Bytes32 PayloadHash,
    ushort Attempt,
    NotificationFlags Flags,
    string SenderDomain,
    string MimeHint,
    IReadOnlyList<string> FetchHints);
