using System.Text.Json.Serialization;

namespace Tern.ClientApi.Users;

/// <summary>Source-generated serialization of the users file and the users' settings files.</summary>
[JsonSerializable(typeof(UsersFileModel))]
[JsonSerializable(typeof(UserSettingsRecord))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class UsersFileJson : JsonSerializerContext;
