using System.Text.Json.Serialization;
using MessagePack;

namespace Tern.ClientApi.Wire;

/// <summary>The answer for one message of a batch, in the order the messages came: its status and either the message or the problem.</summary>
[MessagePackObject]
public sealed class BatchResult
{
    /// <summary>What the single submit would have answered: 201 stored (or replayed), else the problem's status.</summary>
    [JsonPropertyName("status")]
    [Key("status")]
    public int Status { get; set; }

    /// <summary>Whether the answer is the first one given under the message's idempotency key (nothing stored again).</summary>
    [JsonPropertyName("replayed")]
    [Key("replayed")]
    public bool Replayed { get; set; }

    /// <summary>The message id and deliveries, as the single submit answers them; absent on a problem.</summary>
    [JsonPropertyName("message")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Key("message")]
    public SubmitResponse? Message { get; set; }

    /// <summary>Why this message was not stored; absent when it was.</summary>
    [JsonPropertyName("problem")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Key("problem")]
    public BatchProblem? Problem { get; set; }
}
