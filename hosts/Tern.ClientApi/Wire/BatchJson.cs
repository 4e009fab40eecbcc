using System.Text.Json.Serialization;

namespace Tern.ClientApi.Wire;

/// <summary>
/// Source-generated JSON of the batch submit: no reflection on a route that reads a thousand messages a request. The
/// limit of a problem is an <see cref="int"/>, a <see cref="long"/> or the expiry's bounds.
/// </summary>
[JsonSerializable(typeof(BatchRequest))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class BatchJson : JsonSerializerContext;
