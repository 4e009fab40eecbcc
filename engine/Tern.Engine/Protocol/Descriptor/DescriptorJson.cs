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
        });
    }

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
