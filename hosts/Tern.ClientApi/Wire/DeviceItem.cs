using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>One of the user's devices.</summary>
[MessagePackObject]
public sealed class DeviceItem
{
    /// <summary>The device's id.</summary>
    [JsonPropertyName("deviceId")]
    [Key("deviceId")]
    public string DeviceId { get; set; } = "";

    /// <summary>Its name.</summary>
    [JsonPropertyName("name")]
    [Key("name")]
    public string Name { get; set; } = "";

    /// <summary>native, gateway or minimal.</summary>
    [JsonPropertyName("kind")]
    [Key("kind")]
    public string Kind { get; set; } = "";

    /// <summary>When it was enrolled, RFC 3339 UTC.</summary>
    [JsonPropertyName("created")]
    [Key("created")]
    public string Created { get; set; } = "";

    /// <summary>Whether it was revoked.</summary>
    [JsonPropertyName("revoked")]
    [Key("revoked")]
    public bool Revoked { get; set; }

    /// <summary>Whether it is the operator-issued token of the users file, mapped to a device.</summary>
    [JsonPropertyName("operator")]
    [Key("operator")]
    public bool Operator { get; set; }

    /// <summary>Whether the request came from this device.</summary>
    [JsonPropertyName("current")]
    [Key("current")]
    public bool Current { get; set; }
}
