using System.Text.Json.Serialization;

namespace Tern.ClientApi.Wire;

/// <summary>The limits of the capability document.</summary>
public sealed class CapabilityLimits
{
    /// <summary>Largest message a submission may stream.</summary>
    [JsonPropertyName("maxMessageBytes")]
    public long MaxMessageBytes { get; set; }

    /// <summary>Most recipients of one submission.</summary>
    [JsonPropertyName("maxRecipients")]
    public int MaxRecipients { get; set; }

    /// <summary>Most messages of one batch submit.</summary>
    [JsonPropertyName("maxBatchMessages")]
    public int MaxBatchMessages { get; set; }

    /// <summary>Largest body of one batch submit.</summary>
    [JsonPropertyName("maxBatchBytes")]
    public long MaxBatchBytes { get; set; }

    /// <summary>Most recipient hashes a user may register.</summary>
    [JsonPropertyName("maxHashesPerUser")]
    public int MaxHashesPerUser { get; set; }

    /// <summary>Longest transit granted.</summary>
    [JsonPropertyName("maxTransitSeconds")]
    public long MaxTransitSeconds { get; set; }

    /// <summary>Longest wait of a long poll.</summary>
    [JsonPropertyName("maxPollWaitSeconds")]
    public int MaxPollWaitSeconds { get; set; }

    /// <summary>Most event streams a user may hold open.</summary>
    [JsonPropertyName("maxEventStreamsPerUser")]
    public int MaxEventStreamsPerUser { get; set; }

    /// <summary>How long a session token lasts.</summary>
    [JsonPropertyName("sessionSeconds")]
    public int SessionSeconds { get; set; }
}
