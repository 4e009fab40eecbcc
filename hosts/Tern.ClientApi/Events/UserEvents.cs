using System.Text;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Pull;
using Tern.Engine.Transit;

namespace Tern.ClientApi.Events;

/// <summary>The events of docs/C2S.md §15, built with the fields of their type.</summary>
internal static class UserEvents
{
    public const string Received = "received";
    public const string Pulled = "pulled";
    public const string Retracted = "retracted";
    public const string Expired = "expired";
    public const string Deleted = "deleted";
    public const string LabelsChanged = "labels_changed";
    public const string DeliveryChanged = "delivery_changed";
    public const string KeyChanged = "key_changed";
    public const string HashesChanged = "hashes_changed";
    public const string DeviceChanged = "device_changed";
    public const string PolicyChanged = "policy_changed";
    public const string Ignored = "ignored";

    /// <summary>The ingest filed a reference under one of the user's hashes.</summary>
    public static UserEvent ReferenceReceived(in NotificationRecord record) => new()
    {
        Type = Received,
        Hash = record.RecipientHash.ToString(),
        Capability = record.Capability.ToString(),
        SenderDomain = Encoding.ASCII.GetString(record.SenderDomain),
        Size = record.PayloadSize,
        PayloadHash = record.PayloadHash.ToString(),
        MimeHint = Encoding.UTF8.GetString(record.MimeHint),
        Expires = Http.Wire.Time(record.TransitExpiryMs),
    };

    /// <summary>The node stored a message (an immediate pull or a delegated one).</summary>
    public static UserEvent MessageStored(StoredMessage message, IReadOnlyList<string> labels) => new()
    {
        Type = Pulled,
        Id = message.Capability.ToString(),
        Hash = message.RecipientHash.ToString(),
        Labels = [.. labels],
    };

    /// <summary>
    /// A retraction notice matched one of the user's references (S2S §11): before the fetch it removed the pending
    /// reference; after it (<paramref name="afterFetch"/>) it asks the client to remove the stored message.
    /// </summary>
    public static UserEvent ReferenceRetracted(string capability, bool afterFetch) => new() { Type = Retracted, Capability = capability, AfterFetch = afterFetch };

    /// <summary>A reference's transit expiry passed before anyone fetched it.</summary>
    public static UserEvent ReferenceExpired(string capability) => new() { Type = Expired, Capability = capability };

    /// <summary>A device dropped a pending reference (<c>POST /v1/references/{capability}/actions</c>, ignore).</summary>
    public static UserEvent ReferenceIgnored(string capability) => new() { Type = Ignored, Capability = capability };

    /// <summary>A stored message was deleted.</summary>
    public static UserEvent MessageDeleted(string id) => new() { Type = Deleted, Id = id };

    /// <summary>A device relabelled or marked a message: the whole set after the change.</summary>
    public static UserEvent MessageLabelled(string id, IEnumerable<string> labels, bool read) => new() { Type = LabelsChanged, Id = id, Labels = [.. labels], Read = read };

    /// <summary>A delivery of a message the user sent changed state (<c>fetched</c>, <c>retracted</c>, <c>expired</c>, <c>transferred</c>).</summary>
    public static UserEvent DeliveryStateChanged(string messageId, string deliveryId, string state) => new() { Type = DeliveryChanged, MessageId = messageId, DeliveryId = deliveryId, State = state };

    /// <summary>The name of a delivery's final state in <c>delivery_changed</c>.</summary>
    public static string StateName(DeliveryState state) => state switch
    {
        DeliveryState.Fetched => "fetched",
        DeliveryState.Retracted => "retracted",
        DeliveryState.Expired => "expired",
        DeliveryState.Transferred => "transferred",
        _ => "outstanding",
    };

    /// <summary>The user's own key record was published, rotated or revoked.</summary>
    public static UserEvent KeyRecordChanged(string? fingerprint, string? previous, string reason) => new() { Type = KeyChanged, Fingerprint = fingerprint, Previous = previous, Reason = reason };

    /// <summary>A device registered or dropped a hash, or its registration lapsed; a registration carries its kind and expiry (docs/C2S.md §10).</summary>
    public static UserEvent HashChanged(string hash, bool registered, string? kind = null, string? expires = null) =>
        new() { Type = HashesChanged, Hash = hash, Registered = registered, Kind = kind, Expires = expires };

    /// <summary>A device was enrolled or revoked.</summary>
    public static UserEvent DeviceStateChanged(string deviceId, string name, string kind, bool revoked) => new() { Type = DeviceChanged, DeviceId = deviceId, Name = name, Kind = kind, Revoked = revoked };

    /// <summary>The policy document or a preference changed.</summary>
    public static UserEvent PolicyStateChanged(string etag) => new() { Type = PolicyChanged, ETag = etag };
}
