using System.Text.Json.Serialization;

namespace Tern.Node;

/// <summary>Source-generated serialization of <see cref="NodePorts"/>.</summary>
[JsonSerializable(typeof(NodePorts))]
[JsonSourceGenerationOptions(WriteIndented = true)]
public sealed partial class NodePortsJson : JsonSerializerContext;
