using System.Text.Json.Serialization;

namespace Tern.ClientApi.Submissions;

/// <summary>Source-generated serialization of the submission log's lines.</summary>
[JsonSerializable(typeof(SentRecord))]
internal sealed partial class SentRecordJson : JsonSerializerContext;
