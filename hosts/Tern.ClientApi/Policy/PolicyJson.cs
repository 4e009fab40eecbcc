using System.Text.Json.Serialization;
using Tern.ClientApi.Wire;

namespace Tern.ClientApi.Policy;

/// <summary>Source-generated JSON of the policy files.</summary>
[JsonSerializable(typeof(PolicyDocument))]
internal sealed partial class PolicyJson : JsonSerializerContext;
