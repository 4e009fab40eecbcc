using Tern.Engine.Protocol;

namespace Tern.ClientApi.Submissions;

/// <summary>A submit made with an <c>Idempotency-Key</c>, as the submission log keeps it: enough to give a retry the first answer.</summary>
internal sealed class SentMessage
{
    public required string User { get; init; }

    public required MessageId MessageId { get; init; }

    public required long Size { get; init; }

    public required Bytes32 PayloadHash { get; init; }

    public required long SubmittedMs { get; init; }

    public required long ExpiresMs { get; init; }

    public string? MimeHint { get; init; }

    /// <summary>The client's <c>Idempotency-Key</c>, if it sent one.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>What the submit asked for (recipients, expiry, hint, declared length): a retry with the same key must ask the same.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>In the order the client named the recipients.</summary>
    public required IReadOnlyList<SentDelivery> Deliveries { get; init; }
}
