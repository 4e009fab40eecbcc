using System.Text.Json.Serialization;

namespace Tern.Engine.Protocol.Descriptor;

/// <summary>
/// Source-generated serialization for the descriptor types: no reflection, so the engine stays trimmable.
/// Nulls are omitted (the optional fields); duplicate names are refused here as well as by <see cref="StrictJson"/>.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(DescriptorJson))]
[JsonSerializable(typeof(SignedDocumentJson))]
internal sealed partial class DescriptorJsonContext : JsonSerializerContext;
