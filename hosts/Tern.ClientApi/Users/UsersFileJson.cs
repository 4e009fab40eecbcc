using System.Text.Json.Serialization;

namespace Tern.ClientApi.Users;

/// <summary>Source-generated serialization of the users file.</summary>
[JsonSerializable(typeof(UsersFileModel))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class UsersFileJson : JsonSerializerContext;
