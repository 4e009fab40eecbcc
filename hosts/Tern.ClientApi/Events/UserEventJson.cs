using System.Text.Json.Serialization;

namespace Tern.ClientApi.Events;

/// <summary>Source-generated JSON of events: the fields a type does not have are left out.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UserEvent))]
internal sealed partial class UserEventJson : JsonSerializerContext;
