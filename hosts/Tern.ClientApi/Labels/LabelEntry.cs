using System.Text.Json.Serialization;

namespace Tern.ClientApi.Labels;

/// <summary>One stored message in a user's label file: what a listing shows of it, its labels and read state.</summary>
internal sealed class LabelEntry
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = "";

    /// <summary>Listing order: increases with each message stored for the user; the cursor of <c>GET /v1/stored</c>.</summary>
    [JsonPropertyName("order")]
    public ulong Order { get; set; }

    [JsonPropertyName("hash")]
    public string Hash { get; set; } = "";

    [JsonPropertyName("senderDomain")]
    public string SenderDomain { get; set; } = "";

    [JsonPropertyName("size")]
    public long Size { get; set; }

    [JsonPropertyName("payloadHash")]
    public string PayloadHash { get; set; } = "";

    [JsonPropertyName("mimeHint")]
    public string MimeHint { get; set; } = "";

    [JsonPropertyName("storedMs")]
    public long StoredMs { get; set; }

    [JsonPropertyName("labels")]
    public List<string> Labels { get; set; } = [];

    [JsonPropertyName("read")]
    public bool Read { get; set; }

    /// <summary>
    /// False from the moment a pull begins its commit until the message can be read: such an entry holds its order but is
    /// neither listed nor found, and a listing stops before it so that no cursor passes it. Memory only.
    /// </summary>
    [JsonIgnore]
    public bool Listed { get; set; } = true;
}
