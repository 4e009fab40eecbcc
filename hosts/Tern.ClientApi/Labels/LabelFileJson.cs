using System.Text.Json.Serialization;

namespace Tern.ClientApi.Labels;

/// <summary>Source-generated JSON of the label files.</summary>
[JsonSerializable(typeof(LabelFile))]
internal sealed partial class LabelFileJson : JsonSerializerContext;
