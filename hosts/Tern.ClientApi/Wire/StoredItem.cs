using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>A message this node pulled for the user.</summary>
[MessagePackObject]
public sealed class StoredItem
{
    /// <summary>Its id: the capability it was fetched with, base64url.</summary>
    [JsonPropertyName("id")]
    [Key("id")]
    public string Id { get; set; } = "";

    /// <summary>The recipient hash it came for.</summary>
    [JsonPropertyName("hash")]
    [Key("hash")]
    public string Hash { get; set; } = "";

    /// <summary>The verified sender domain.</summary>
    [JsonPropertyName("senderDomain")]
    [Key("senderDomain")]
    public string SenderDomain { get; set; } = "";

    /// <summary>Blob length in bytes.</summary>
    [JsonPropertyName("size")]
    [Key("size")]
    public long Size { get; set; }

    /// <summary>The payload hash, checked on arrival.</summary>
    [JsonPropertyName("payloadHash")]
    [Key("payloadHash")]
    public string PayloadHash { get; set; } = "";

    /// <summary>The sender's MIME hint; empty for none.</summary>
    [JsonPropertyName("mimeHint")]
    [Key("mimeHint")]
    public string MimeHint { get; set; } = "";

    /// <summary>When it was stored, RFC 3339 UTC.</summary>
    [JsonPropertyName("stored")]
    [Key("stored")]
    public string Stored { get; set; } = "";

    /// <summary>Its labels (docs/C2S.md §8); <c>inbox</c> when stored.</summary>
    [JsonPropertyName("labels")]
    [Key("labels")]
    public List<string> Labels { get; set; } = [];

    /// <summary>Whether a device marked it read.</summary>
    [JsonPropertyName("read")]
    [Key("read")]
    public bool Read { get; set; }
}
