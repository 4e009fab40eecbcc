using System.Text.Json.Serialization;

namespace Tern.ClientApi.Wire;

/// <summary>
/// Source-generated JSON of the submit routes, the busiest of the API: no reflection-based metadata on a path taken per
/// message. The limit of a batch's problem is an <see cref="int"/>, a <see cref="long"/> or the expiry's bounds.
/// </summary>
[JsonSerializable(typeof(SubmitResponse))]
[JsonSerializable(typeof(BatchRequest))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SubmitJson : JsonSerializerContext;
