using System.Text.Json.Serialization;

namespace Tern.Engine.Protocol.Descriptor;

/// <summary>The signed document (docs/PROTOCOL.md §6.2): the descriptor's bytes and their signature, both base64url.</summary>
internal sealed class SignedDocumentJson
{
    [JsonPropertyName("descriptor")]
    public string? Descriptor { get; set; }

    [JsonPropertyName("signature")]
    public string? Signature { get; set; }
}
