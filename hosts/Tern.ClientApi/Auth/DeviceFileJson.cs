using System.Text.Json.Serialization;

namespace Tern.ClientApi.Auth;

/// <summary>Source-generated JSON of the devices file.</summary>
[JsonSerializable(typeof(DeviceFile))]
internal sealed partial class DeviceFileJson : JsonSerializerContext;
