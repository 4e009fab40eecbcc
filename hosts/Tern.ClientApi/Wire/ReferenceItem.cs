using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>A pending reference: a blob waits at the sender's domain for one of the user's hashes.</summary>
[MessagePackObject]
public sealed class ReferenceItem
{
    /// <summary>The recipient hash it is filed under.</summary>
    [JsonPropertyName("hash")]
    [Key("hash")]
    public string Hash { get; set; } = "";

    /// <summary>The fetch capability (the right to fetch the blob), base64url.</summary>
    [JsonPropertyName("capability")]
    [Key("capability")]
    public string Capability { get; set; } = "";

    /// <summary>The sender domain the notification claimed.</summary>
    [JsonPropertyName("senderDomain")]
    [Key("senderDomain")]
    public string SenderDomain { get; set; } = "";

    /// <summary>Blob length in bytes.</summary>
    [JsonPropertyName("size")]
    [Key("size")]
    public long Size { get; set; }

    /// <summary>The payload hash.</summary>
    [JsonPropertyName("payloadHash")]
    [Key("payloadHash")]
    public string PayloadHash { get; set; } = "";

    /// <summary>The sender's MIME hint; empty for none.</summary>
    [JsonPropertyName("mimeHint")]
    [Key("mimeHint")]
    public string MimeHint { get; set; } = "";

    /// <summary>Transit expiry, RFC 3339 UTC.</summary>
    [JsonPropertyName("expires")]
    [Key("expires")]
    public string Expires { get; set; } = "";

    /// <summary>When this node filed it, RFC 3339 UTC.</summary>
    [JsonPropertyName("received")]
    [Key("received")]
    public string Received { get; set; } = "";

    /// <summary>Its position in the hash's sequence (a cursor of the poll by hash), decimal.</summary>
    [JsonPropertyName("sequence")]
    [Key("sequence")]
    public string Sequence { get; set; } = "";

    /// <summary>Where the blob may be fetched (docs/PROTOCOL.md §8.5).</summary>
    [JsonPropertyName("fetchHints")]
    [Key("fetchHints")]
    public List<string> FetchHints { get; set; } = [];
}
