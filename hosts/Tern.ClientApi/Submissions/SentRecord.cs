using System.Text.Json.Serialization;

namespace Tern.ClientApi.Submissions;

/// <summary>One line of the submission log (<c>clientapi/submissions.log</c>, JSON Lines).</summary>
internal sealed class SentRecord
{
    [JsonPropertyName("u")]
    public string User { get; set; } = "";

    [JsonPropertyName("m")]
    public string MessageId { get; set; } = "";

    [JsonPropertyName("s")]
    public long Size { get; set; }

    [JsonPropertyName("h")]
    public string PayloadHash { get; set; } = "";

    [JsonPropertyName("t")]
    public long SubmittedMs { get; set; }

    [JsonPropertyName("e")]
    public long ExpiresMs { get; set; }

    [JsonPropertyName("mime")]
    public string? MimeHint { get; set; }

    [JsonPropertyName("k")]
    public string? IdempotencyKey { get; set; }

    [JsonPropertyName("f")]
    public string? Fingerprint { get; set; }

    /// <summary>Per recipient: capability, domain, recipient hash.</summary>
    [JsonPropertyName("d")]
    public List<string[]> Deliveries { get; set; } = [];
}
