using System.Text.Json.Serialization;

namespace Tern.ClientApi.Wire;

/// <summary>The user's policy document (docs/C2S.md §13).</summary>
public sealed class PolicyDocument
{
    /// <summary>Always 1.</summary>
    [JsonPropertyName("version")]
    public int Version { get; set; } = 1;

    /// <summary>immediately, whenRequested or ignore: what the ingest does with a sender domain that has no preference.</summary>
    [JsonPropertyName("defaultPull")]
    public string DefaultPull { get; set; } = "whenRequested";

    /// <summary>Days stored messages are kept; 0 keeps them until deleted.</summary>
    [JsonPropertyName("retentionDays")]
    public int RetentionDays { get; set; }

    /// <summary>Days a message labelled trash is kept.</summary>
    [JsonPropertyName("trashDays")]
    public int TrashDays { get; set; } = 30;

    /// <summary>
    /// References above this size follow largeTransfer; 0 (the default) sets no such rule, so a reference of any size
    /// follows the user's pull preference for its sender domain, as it did before the policy document existed.
    /// </summary>
    [JsonPropertyName("largeTransferBytes")]
    public long LargeTransferBytes { get; set; }

    /// <summary>defer, pull or ignore for large references.</summary>
    [JsonPropertyName("largeTransfer")]
    public string LargeTransfer { get; set; } = "defer";

    /// <summary>Reserved: null until reputation exists.</summary>
    [JsonPropertyName("reputationThreshold")]
    public int? ReputationThreshold { get; set; }
}
