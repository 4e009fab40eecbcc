using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>
/// Another user's key bundle as the node fetched it from that user's domain (docs/C2S.md §12), with the domain's
/// signing key as the node resolved it: the client checks the bundle against it itself (docs/PROTOCOL.md §14.5).
/// </summary>
[MessagePackObject]
public sealed class DirectoryEntry
{
    /// <summary>The address looked up, lower-cased.</summary>
    [JsonPropertyName("address")]
    [Key("address")]
    public string Address { get; set; } = "";

    /// <summary>Its address hash (§14.4), base64url.</summary>
    [JsonPropertyName("addressHash")]
    [Key("addressHash")]
    public string AddressHash { get; set; } = "";

    /// <summary>The key bundle (§14.4), base64url of its exact bytes.</summary>
    [JsonPropertyName("bundle")]
    [Key("bundle")]
    public string Bundle { get; set; } = "";

    /// <summary>The <c>signing_key</c> of the address's domain's descriptor (§6.1), base64url.</summary>
    [JsonPropertyName("domainSigningKey")]
    [Key("domainSigningKey")]
    public string DomainSigningKey { get; set; } = "";

    /// <summary>Whether that domain's descriptor declares escrow (§14.2): a sender shows it before sending.</summary>
    [JsonPropertyName("escrow")]
    [Key("escrow")]
    public bool Escrow { get; set; }

    /// <summary>When the node fetched the bundle (RFC 3339): an answer from its cache can be up to DirectoryCacheTime old.</summary>
    [JsonPropertyName("fetched")]
    [Key("fetched")]
    public string Fetched { get; set; } = "";
}
