using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>The answer of <c>GET /v1/devices</c>.</summary>
[MessagePackObject]
public sealed class DeviceList
{
    /// <summary>The user's devices in enrolment order, revoked ones included.</summary>
    [JsonPropertyName("devices")]
    [Key("devices")]
    public List<DeviceItem> Devices { get; set; } = [];
}
