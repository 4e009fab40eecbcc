using System.Text.Json.Serialization;

namespace Tern.Engine.Protocol.Descriptor;

/// <summary>
/// The descriptor exactly as it travels (docs/PROTOCOL.md §6.1): snake_case names in the table's order, keys as
/// base64url, times as Unix seconds. Every member is nullable so that a missing field is seen, not defaulted.
/// </summary>
internal sealed class DescriptorJson
{
    [JsonPropertyName("version")]
    public int? Version { get; set; }

    [JsonPropertyName("domain")]
    public string? Domain { get; set; }

    [JsonPropertyName("signing_key")]
    public string? SigningKey { get; set; }

    [JsonPropertyName("agreement_key")]
    public string? AgreementKey { get; set; }

    [JsonPropertyName("protocols")]
    public string?[]? Protocols { get; set; }

    [JsonPropertyName("notify")]
    public string?[]? Notify { get; set; }

    [JsonPropertyName("fetch")]
    public string?[]? Fetch { get; set; }

    [JsonPropertyName("tls_cert_sha256")]
    public string? TlsCertSha256 { get; set; }

    [JsonPropertyName("max_transit_seconds")]
    public int? MaxTransitSeconds { get; set; }

    [JsonPropertyName("escrow")]
    public bool? Escrow { get; set; }

    [JsonPropertyName("gateway")]
    public bool? Gateway { get; set; }

    [JsonPropertyName("issued_at")]
    public long? IssuedAt { get; set; }

    [JsonPropertyName("expires_at")]
    public long? ExpiresAt { get; set; }

    [JsonPropertyName("ledger")]
    public string? Ledger { get; set; }

    [JsonPropertyName("next_signing_key")]
    public string? NextSigningKey { get; set; }

    [JsonPropertyName("next_agreement_key")]
    public string? NextAgreementKey { get; set; }

    [JsonPropertyName("previous_signing_key")]
    public string? PreviousSigningKey { get; set; }

    [JsonPropertyName("previous_agreement_key")]
    public string? PreviousAgreementKey { get; set; }

    [JsonPropertyName("rotates_at")]
    public long? RotatesAt { get; set; }

    [JsonPropertyName("previous_until")]
    public long? PreviousUntil { get; set; }

    [JsonPropertyName("rotation_signature")]
    public string? RotationSignature { get; set; }

    [JsonPropertyName("bulk")]
    public string?[]? Bulk { get; set; }

    /// <summary>
    /// The members the received JSON gave as <c>null</c> (from <see cref="StrictJson"/>): the serializer reads them as
    /// absent, but §6.1 makes <c>null</c> invalid for every known field, required or optional. Empty when signing.
    /// </summary>
    [JsonIgnore]
    public IReadOnlySet<string> NullMembers { get; set; } = new HashSet<string>();

    /// <summary>The wire form of <paramref name="descriptor"/>; not yet checked (see <see cref="Validate"/>).</summary>
    public static DescriptorJson From(DomainDescriptor descriptor) => new()
    {
        Version = descriptor.Version,
        Domain = descriptor.Domain,
        SigningKey = descriptor.SigningKey.ToString(),
        AgreementKey = descriptor.AgreementKey.ToString(),
        Protocols = [.. descriptor.Protocols],
        Notify = [.. descriptor.Notify],
        Fetch = [.. descriptor.Fetch],
        TlsCertSha256 = descriptor.TlsCertSha256?.ToString(),
        MaxTransitSeconds = descriptor.MaxTransitSeconds,
        Escrow = descriptor.Escrow,
        Gateway = descriptor.Gateway,
        IssuedAt = descriptor.IssuedAt.ToUnixTimeSeconds(),
        ExpiresAt = descriptor.ExpiresAt.ToUnixTimeSeconds(),
        Ledger = descriptor.Ledger,
        NextSigningKey = descriptor.NextSigningKey?.ToString(),
        NextAgreementKey = descriptor.NextAgreementKey?.ToString(),
        PreviousSigningKey = descriptor.PreviousSigningKey?.ToString(),
        PreviousAgreementKey = descriptor.PreviousAgreementKey?.ToString(),
        RotatesAt = descriptor.RotatesAt?.ToUnixTimeSeconds(),
        PreviousUntil = descriptor.PreviousUntil?.ToUnixTimeSeconds(),
        RotationSignature = descriptor.RotationSignature is { } signature ? System.Buffers.Text.Base64Url.EncodeToString(signature.Span) : null,
        Bulk = descriptor.Bulk is { Count: > 0 } bulk ? [.. bulk] : null,
    };

    /// <summary>
    /// Applies the §6.1 rules: required fields present, no known field <c>null</c>, <c>version</c> 1, <c>domain</c> valid,
    /// keys 32 bytes, lists of at most 8 entries of at most 200 characters, <c>max_transit_seconds</c> in 1..2 592 000,
    /// <c>issued_at</c> &lt; <c>expires_at</c>. Signing and verifying share it, so a signer cannot produce what a verifier refuses.
    /// </summary>
    public DescriptorVerification Validate()
    {
        if (Version is not { } version)
        {
            return Absent("version");
        }

        if (version != DescriptorLimits.Version)
        {
            return DescriptorVerification.Fail(DescriptorFailure.UnsupportedVersion, $"version {version}");
        }

        if (Domain is null)
        {
            return Absent("domain");
        }

        if (!IsValidDomain(Domain))
        {
            return Invalid("domain", "not a lower-case LDH domain name of at most 253 bytes");
        }

        if (SigningKey is null)
        {
            return Absent("signing_key");
        }

        if (!CanonicalBase64Url.TryDecode(SigningKey, out var signingKey))
        {
            return Invalid("signing_key", "not 32 bytes of base64url");
        }

        if (AgreementKey is null)
        {
            return Absent("agreement_key");
        }

        if (!CanonicalBase64Url.TryDecode(AgreementKey, out var agreementKey))
        {
            return Invalid("agreement_key", "not 32 bytes of base64url");
        }

        if (CheckList("protocols", Protocols) is { } protocolsFailure)
        {
            return protocolsFailure;
        }

        if (CheckList("notify", Notify) is { } notifyFailure)
        {
            return notifyFailure;
        }

        if (CheckList("fetch", Fetch) is { } fetchFailure)
        {
            return fetchFailure;
        }

        if (NullOptional("tls_cert_sha256") is { } nullCertificate)
        {
            return nullCertificate;
        }

        Bytes32? tlsCertSha256 = null;
        if (TlsCertSha256 is not null)
        {
            if (!CanonicalBase64Url.TryDecode(TlsCertSha256, out var certHash))
            {
                return Invalid("tls_cert_sha256", "not 32 bytes of base64url");
            }

            tlsCertSha256 = certHash;
        }

        if (MaxTransitSeconds is not { } maxTransit)
        {
            return Absent("max_transit_seconds");
        }

        if (maxTransit is < 1 or > DescriptorLimits.MaxTransitSeconds)
        {
            return Invalid("max_transit_seconds", $"{maxTransit} is outside 1..{DescriptorLimits.MaxTransitSeconds}");
        }

        if (Escrow is not { } escrow)
        {
            return Absent("escrow");
        }

        if (Gateway is not { } gateway)
        {
            return Absent("gateway");
        }

        if (IssuedAt is not { } issuedAt)
        {
            return Absent("issued_at");
        }

        if (issuedAt is < 0 or > DescriptorLimits.MaxUnixSeconds)
        {
            return Invalid("issued_at", $"{issuedAt} is not a time in seconds since the epoch");
        }

        if (ExpiresAt is not { } expiresAt)
        {
            return Absent("expires_at");
        }

        if (expiresAt is < 0 or > DescriptorLimits.MaxUnixSeconds)
        {
            return Invalid("expires_at", $"{expiresAt} is not a time in seconds since the epoch");
        }

        if (issuedAt >= expiresAt)
        {
            return Invalid("expires_at", $"expires_at {expiresAt} is not after issued_at {issuedAt}");
        }

        if (NullOptional("ledger") is { } nullLedger)
        {
            return nullLedger;
        }

        if (ValidateRotation(out var rotation) is { } rotationFailure)
        {
            return rotationFailure;
        }

        // Optional since its introduction (§6.1, §17.1): a descriptor without it is a gateway with no bulk port.
        if (NullOptional("bulk") is { } nullBulk)
        {
            return nullBulk;
        }

        if (Bulk is not null && CheckList("bulk", Bulk) is { } bulkFailure)
        {
            return bulkFailure;
        }

        return DescriptorVerification.Valid(new DomainDescriptor
        {
            Version = version,
            Domain = Domain,
            SigningKey = signingKey,
            AgreementKey = agreementKey,
            Protocols = Protocols!,
            Notify = Notify!,
            Fetch = Fetch!,
            TlsCertSha256 = tlsCertSha256,
            MaxTransitSeconds = maxTransit,
            Escrow = escrow,
            Gateway = gateway,
            IssuedAt = DateTimeOffset.FromUnixTimeSeconds(issuedAt),
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(expiresAt),
            Ledger = Ledger,
            NextSigningKey = rotation.NextSigning,
            NextAgreementKey = rotation.NextAgreement,
            PreviousSigningKey = rotation.PreviousSigning,
            PreviousAgreementKey = rotation.PreviousAgreement,
            RotatesAt = rotation.RotatesAt is { } rotatesAt ? DateTimeOffset.FromUnixTimeSeconds(rotatesAt) : null,
            PreviousUntil = rotation.PreviousUntil is { } until ? DateTimeOffset.FromUnixTimeSeconds(until) : null,
            RotationSignature = rotation.Signature is { } crossSignature ? new ReadOnlyMemory<byte>(crossSignature) : default(ReadOnlyMemory<byte>?),
            Bulk = Bulk is { } bulkEndpoints ? Array.ConvertAll(bulkEndpoints, endpoint => endpoint!) : null,
        });
    }

    /// <summary>
    /// The rotation fields (§16.1): none, or exactly the set of one state — announced (<c>next_*</c>) or rotated
    /// (<c>previous_*</c>) with <c>rotates_at</c>, <c>previous_until</c> and a 64-byte <c>rotation_signature</c> — and a window of
    /// at most 30 days. The cross-signature itself is checked by the verifier, after the descriptor's own (§16.3).
    /// </summary>
    private DescriptorVerification? ValidateRotation(out Rotation rotation)
    {
        rotation = default;
        string[] names = ["next_signing_key", "next_agreement_key", "previous_signing_key", "previous_agreement_key", "rotates_at", "previous_until", "rotation_signature"];
        foreach (var name in names)
        {
            if (NullOptional(name) is { } nullField)
            {
                return nullField;
            }
        }

        var announced = NextSigningKey is not null || NextAgreementKey is not null;
        var rotated = PreviousSigningKey is not null || PreviousAgreementKey is not null;
        if (!announced && !rotated && RotatesAt is null && PreviousUntil is null && RotationSignature is null)
        {
            return null;
        }

        if (announced && rotated)
        {
            return Invalid("previous_signing_key", "next and previous keys together: one rotation at a time (§16.1)");
        }

        var (signingName, agreementName, signingText, agreementText) = announced
            ? ("next_signing_key", "next_agreement_key", NextSigningKey, NextAgreementKey)
            : ("previous_signing_key", "previous_agreement_key", PreviousSigningKey, PreviousAgreementKey);
        if (!announced && !rotated)
        {
            return Invalid("rotates_at", "a rotation field without next or previous keys (§16.1)");
        }

        if (signingText is null || !CanonicalBase64Url.TryDecode(signingText, out var signing))
        {
            return Invalid(signingName, signingText is null ? "missing from the rotation (§16.1)" : "not 32 bytes of base64url");
        }

        if (agreementText is null || !CanonicalBase64Url.TryDecode(agreementText, out var agreement))
        {
            return Invalid(agreementName, agreementText is null ? "missing from the rotation (§16.1)" : "not 32 bytes of base64url");
        }

        if (RotatesAt is not { } rotatesAt)
        {
            return Invalid("rotates_at", "missing from the rotation (§16.1)");
        }

        if (rotatesAt is < 0 or > DescriptorLimits.MaxUnixSeconds)
        {
            return Invalid("rotates_at", $"{rotatesAt} is not a time in seconds since the epoch");
        }

        if (PreviousUntil is not { } until)
        {
            return Invalid("previous_until", "missing from the rotation (§16.1)");
        }

        if (until is < 0 or > DescriptorLimits.MaxUnixSeconds)
        {
            return Invalid("previous_until", $"{until} is not a time in seconds since the epoch");
        }

        if (until <= rotatesAt || until - rotatesAt > DescriptorLimits.MaxRotationWindowSeconds)
        {
            return Invalid("previous_until", $"the window {rotatesAt}..{until} is empty or longer than {DescriptorLimits.MaxRotationWindowSeconds} s");
        }

        var signature = new byte[Crypto.Ed25519.SignatureSize];
        if (RotationSignature is null || !CanonicalBase64Url.TryDecode(RotationSignature, signature, out var length) || length != signature.Length)
        {
            return Invalid("rotation_signature", RotationSignature is null ? "missing from the rotation (§16.1)" : "not 64 bytes of base64url");
        }

        rotation = announced
            ? new Rotation(signing, agreement, null, null, rotatesAt, until, signature)
            : new Rotation(null, null, signing, agreement, rotatesAt, until, signature);
        return null;
    }

    private readonly record struct Rotation(Bytes32? NextSigning, Bytes32? NextAgreement, Bytes32? PreviousSigning, Bytes32? PreviousAgreement,
        long? RotatesAt, long? PreviousUntil, byte[]? Signature);

    private DescriptorVerification? CheckList(string name, string?[]? list)
    {
        if (list is null)
        {
            return Absent(name);
        }

        if (list.Length > DescriptorLimits.MaxListEntries)
        {
            return Invalid(name, $"{list.Length} entries; at most {DescriptorLimits.MaxListEntries}");
        }

        foreach (var entry in list)
        {
            if (entry is null)
            {
                return Invalid(name, "an entry is not a string");
            }

            if (entry.Length > DescriptorLimits.MaxEntryLength)
            {
                return Invalid(name, $"an entry of {entry.Length} characters; at most {DescriptorLimits.MaxEntryLength}");
            }
        }

        return null;
    }

    private static bool IsValidDomain(string domain)
    {
        // The rules are on bytes (§2.4); anything non-ASCII is already invalid, so a char-to-byte copy suffices.
        if (domain.Length is 0 or > DomainName.MaxLength)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[domain.Length];
        for (var i = 0; i < domain.Length; i++)
        {
            if (domain[i] > 127)
            {
                return false;
            }

            bytes[i] = (byte)domain[i];
        }

        return DomainName.IsValid(bytes);
    }

    private DescriptorVerification Absent(string field) => Absent(field, NullMembers);

    /// <summary>A required member the serializer found absent: missing, or invalid when the JSON gave it as <c>null</c> (§6.1).</summary>
    internal static DescriptorVerification Absent(string field, IReadOnlySet<string> nullMembers)
        => nullMembers.Contains(field)
            ? DescriptorVerification.Fail(DescriptorFailure.InvalidField, $"{field}: null is not a value of any field")
            : DescriptorVerification.Fail(DescriptorFailure.MissingField, field);

    /// <summary>An optional member: absent is fine, <c>null</c> is not (§6.1).</summary>
    private DescriptorVerification? NullOptional(string field)
        => NullMembers.Contains(field) ? DescriptorVerification.Fail(DescriptorFailure.InvalidField, $"{field}: null is not a value of any field") : null;

    private static DescriptorVerification Invalid(string field, string why) => DescriptorVerification.Fail(DescriptorFailure.InvalidField, $"{field}: {why}");
}
