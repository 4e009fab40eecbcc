using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

/// <summary>What a client submits beside the blob's bytes.</summary>
public sealed class SubmissionRequest
{
    /// <summary>The submitting account, charged for the blob (1–255 UTF-8 bytes).</summary>
    public required string Account { get; init; }

    /// <summary>At least one recipient; at most <see cref="TransitStore.MaxRecipients"/>.</summary>
    public required IReadOnlyList<TransitRecipient> Recipients { get; init; }

    /// <summary>Mandatory transit expiry: after the submission time and within the configured maximum.</summary>
    public required DateTimeOffset TransitExpiry { get; init; }

    /// <summary>Optional MIME hint carried in notifications (at most 255 UTF-8 bytes).</summary>
    public string? MimeHint { get; init; }

    /// <summary>
    /// Size of the content when the client declared it (e.g. Content-Length). Quotas are then checked against it before
    /// any byte is written and the content must be exactly this long. Without it (and without a seekable stream), quotas
    /// are checked chunk by chunk as the content streams in.
    /// </summary>
    public long? DeclaredSize { get; init; }

    /// <summary>
    /// The message id reserved for this blob before its upload (docs/C2S.md §6, two-phase submission), which the
    /// sender's envelopes already carry (docs/PROTOCOL.md §15.1). Null (the default) draws a new one from the CSPRNG.
    /// An id the store already holds is refused.
    /// </summary>
    public MessageId? MessageId { get; init; }
}
