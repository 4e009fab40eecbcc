using System.Diagnostics.CodeAnalysis;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol.Descriptor;

/// <summary>
/// What a domain publishes about itself (docs/PROTOCOL.md §6.1): its keys, endpoints and policies. Build one
/// with <see cref="For"/>, sign it with <see cref="SignedDescriptor.Sign"/>, and trust one only when
/// <see cref="SignedDescriptor.Verify"/> returns it.
/// </summary>
public sealed class DomainDescriptor
{
    /// <summary>An empty descriptor, filled by an object initializer.</summary>
    public DomainDescriptor()
    {
    }

    /// <summary>
    /// A copy of <paramref name="other"/>, every field; an object initializer after it replaces what differs. The one place
    /// that lists the fields for a copy, so a field added to the format is never dropped by one.
    /// </summary>
    /// <param name="other">The descriptor to copy.</param>
    [SetsRequiredMembers]
    public DomainDescriptor(DomainDescriptor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Version = other.Version;
        Domain = other.Domain;
        SigningKey = other.SigningKey;
        AgreementKey = other.AgreementKey;
        Protocols = other.Protocols;
        Notify = other.Notify;
        Fetch = other.Fetch;
        TlsCertSha256 = other.TlsCertSha256;
        MaxTransitSeconds = other.MaxTransitSeconds;
        Escrow = other.Escrow;
        Gateway = other.Gateway;
        IssuedAt = other.IssuedAt;
        ExpiresAt = other.ExpiresAt;
        Ledger = other.Ledger;
        NextSigningKey = other.NextSigningKey;
        NextAgreementKey = other.NextAgreementKey;
        PreviousSigningKey = other.PreviousSigningKey;
        PreviousAgreementKey = other.PreviousAgreementKey;
        RotatesAt = other.RotatesAt;
        PreviousUntil = other.PreviousUntil;
        RotationSignature = other.RotationSignature;
        Bulk = other.Bulk;
    }

    /// <summary><c>version</c>: the descriptor format. Defaults to <see cref="DescriptorLimits.Version"/>.</summary>
    public int Version { get; init; } = DescriptorLimits.Version;

    /// <summary><c>domain</c>: the domain described, lower-case ASCII.</summary>
    public required string Domain { get; init; }

    /// <summary><c>signing_key</c>: the Ed25519 identity key that signs this descriptor.</summary>
    public required Bytes32 SigningKey { get; init; }

    /// <summary><c>agreement_key</c>: the X25519 key notifications are sealed to.</summary>
    public required Bytes32 AgreementKey { get; init; }

    /// <summary><c>protocols</c>: protocol versions spoken, e.g. <c>tern/1</c>.</summary>
    public required IReadOnlyList<string> Protocols { get; init; }

    /// <summary><c>notify</c>: notification endpoints, <c>udp://host:port</c>.</summary>
    public required IReadOnlyList<string> Notify { get; init; }

    /// <summary><c>fetch</c>: fetch doors, <c>https://</c>, <c>tern+tcp://</c> or <c>quic://host:port</c> (§8).</summary>
    public required IReadOnlyList<string> Fetch { get; init; }

    /// <summary><c>tls_cert_sha256</c>: SHA-256 of the fetch doors' DER certificate, when published.</summary>
    public Bytes32? TlsCertSha256 { get; init; }

    /// <summary><c>max_transit_seconds</c>: the longest transit expiry this domain grants, 1 to 2 592 000.</summary>
    public required int MaxTransitSeconds { get; init; }

    /// <summary><c>escrow</c>: the domain holds its users' keys, which senders must be told.</summary>
    public bool Escrow { get; init; }

    /// <summary><c>gateway</c>: the domain acts as a blind gateway.</summary>
    public bool Gateway { get; init; }

    /// <summary><c>issued_at</c>; carried in whole seconds, so any fraction is dropped when signed.</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary><c>expires_at</c>; carried in whole seconds. A verifier refuses the descriptor from then on.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary><c>ledger</c>: reserved (§3 problem 10); carried, never interpreted.</summary>
    public string? Ledger { get; init; }

    /// <summary><c>next_signing_key</c>: the Ed25519 key taking over at <see cref="RotatesAt"/> (§16.1, announced state).</summary>
    public Bytes32? NextSigningKey { get; init; }

    /// <summary><c>next_agreement_key</c>: the X25519 key senders seal to from <see cref="RotatesAt"/> (§16.1, announced state).</summary>
    public Bytes32? NextAgreementKey { get; init; }

    /// <summary><c>previous_signing_key</c>: the Ed25519 key <see cref="SigningKey"/> replaced (§16.1, rotated state).</summary>
    public Bytes32? PreviousSigningKey { get; init; }

    /// <summary><c>previous_agreement_key</c>: the X25519 key still accepted until <see cref="PreviousUntil"/> (§16.1, rotated state).</summary>
    public Bytes32? PreviousAgreementKey { get; init; }

    /// <summary><c>rotates_at</c>: when senders switch to the new agreement key (§16.1); whole seconds.</summary>
    public DateTimeOffset? RotatesAt { get; init; }

    /// <summary><c>previous_until</c>: the end of the overlap window (§16.1); whole seconds.</summary>
    public DateTimeOffset? PreviousUntil { get; init; }

    /// <summary><c>rotation_signature</c>: the 64-byte cross-signature of the rotation statement (§16.2).</summary>
    public ReadOnlyMemory<byte>? RotationSignature { get; init; }

    /// <summary>
    /// <c>bulk</c>: a gateway's bulk transfer endpoints (§17.1), <c>udp://host:port</c>; null when absent (no bulk port, or a
    /// descriptor from before the field).
    /// </summary>
    public IReadOnlyList<string>? Bulk { get; init; }

    /// <summary>Which rotation state the descriptor is in (§16.1), from which of its fields are set.</summary>
    public KeyRotationState RotationState
        => NextSigningKey is not null ? KeyRotationState.Announced
            : PreviousSigningKey is not null ? KeyRotationState.Rotated
            : KeyRotationState.None;

    /// <summary>
    /// The agreement key a sender seals to at <paramref name="now"/> (§16.4): <see cref="NextAgreementKey"/> once an
    /// announced rotation's <see cref="RotatesAt"/> has come, else <see cref="AgreementKey"/>.
    /// </summary>
    public Bytes32 AgreementKeyAt(DateTimeOffset now)
        => RotationState == KeyRotationState.Announced && now.ToUnixTimeSeconds() >= RotatesAt!.Value.ToUnixTimeSeconds()
            ? NextAgreementKey!.Value
            : AgreementKey;

    /// <summary>
    /// True when a notification's <paramref name="senderKey"/> belongs to this domain at <paramref name="now"/> (§4.7, §16.4):
    /// <see cref="AgreementKey"/>, or the previous or next one until <see cref="PreviousUntil"/>.
    /// </summary>
    public bool NamesAgreementKey(Bytes32 senderKey, DateTimeOffset now)
    {
        if (senderKey == AgreementKey)
        {
            return true;
        }

        if (PreviousUntil is not { } until || now.ToUnixTimeSeconds() >= until.ToUnixTimeSeconds())
        {
            return false;
        }

        return senderKey == PreviousAgreementKey || senderKey == NextAgreementKey;
    }

    /// <summary>The identity fingerprint of <see cref="SigningKey"/> (§6.3), what DNS TXT publishes.</summary>
    public Bytes32 Fingerprint
    {
        get
        {
            Span<byte> key = stackalloc byte[Bytes32.Size];
            Span<byte> fingerprint = stackalloc byte[KeyFingerprint.Size];
            SigningKey.CopyTo(key);
            KeyFingerprint.Compute(key, fingerprint);
            return new Bytes32(fingerprint);
        }
    }

    /// <summary>
    /// A descriptor for the domain of <paramref name="keys"/>, speaking <c>tern/1</c>, issued now (whole seconds)
    /// and expiring after <paramref name="validity"/>.
    /// </summary>
    /// <param name="keys">The domain's key set: supplies the domain, signing and agreement keys.</param>
    /// <param name="notify">Notification endpoints, e.g. <c>udp://node.a.example:7400</c>.</param>
    /// <param name="fetch">Fetch doors, e.g. <c>tern+tcp://node.a.example:7401</c>.</param>
    /// <param name="validity">How long verifiers may use it; at least one second.</param>
    /// <param name="clock">Clock for <c>issued_at</c>. Defaults to <see cref="TimeProvider.System"/>.</param>
    /// <param name="maxTransitSeconds">Longest transit expiry granted. Defaults to the protocol maximum, 30 days.</param>
    /// <param name="tlsCertSha256">SHA-256 of the fetch doors' certificate, if any.</param>
    /// <param name="escrow">True when the domain holds its users' keys.</param>
    /// <param name="gateway">True when the domain acts as a blind gateway.</param>
    public static DomainDescriptor For(
        IDomainKeys keys,
        IEnumerable<string> notify,
        IEnumerable<string> fetch,
        TimeSpan validity,
        TimeProvider? clock = null,
        int maxTransitSeconds = DescriptorLimits.MaxTransitSeconds,
        Bytes32? tlsCertSha256 = null,
        bool escrow = false,
        bool gateway = false)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(notify);
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentOutOfRangeException.ThrowIfLessThan(validity, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTransitSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxTransitSeconds, DescriptorLimits.MaxTransitSeconds);

        var issued = DateTimeOffset.FromUnixTimeSeconds((clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds());
        return new DomainDescriptor
        {
            Domain = keys.Domain,
            SigningKey = new Bytes32(keys.SigningPublicKey),
            AgreementKey = new Bytes32(keys.AgreementPublicKey),
            Protocols = [DescriptorLimits.ProtocolV1],
            Notify = [.. notify],
            Fetch = [.. fetch],
            TlsCertSha256 = tlsCertSha256,
            MaxTransitSeconds = maxTransitSeconds,
            Escrow = escrow,
            Gateway = gateway,
            IssuedAt = issued,
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds((issued + validity).ToUnixTimeSeconds()),
        };
    }
}
