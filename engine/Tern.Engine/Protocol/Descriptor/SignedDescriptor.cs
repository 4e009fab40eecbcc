using System.Buffers;
using System.Buffers.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol.Descriptor;

/// <summary>
/// The signed descriptor document (docs/PROTOCOL.md §6.2): <c>{"descriptor":"…","signature":"…"}</c>, served at
/// <c>https://&lt;domain&gt;/.well-known/tern</c> and by the framed door. The descriptor is signed as bytes and
/// never re-serialised for verification.
/// </summary>
public static class SignedDescriptor
{
    /// <summary>Media type the document is served with.</summary>
    public const string MediaType = "application/json";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Keeps '+' in "tern+tcp://" and the like readable; the document is JSON, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>The context label prefixed to the descriptor bytes before signing (§2.7).</summary>
    public static ReadOnlySpan<byte> ContextLabel => "tern/v1/descriptor\n"u8;

    /// <summary>
    /// Serialises <paramref name="descriptor"/> (snake_case, §6.1 order, optional fields omitted when absent), signs it
    /// with <paramref name="keys"/> and returns the UTF-8 bytes of the signed document.
    /// </summary>
    /// <exception cref="ArgumentException">The descriptor breaks a §6.1 rule, is over 8 KiB, or its signing key is not that of <paramref name="keys"/>.</exception>
    public static byte[] Sign(DomainDescriptor descriptor, IDomainKeys keys)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(keys);
        if (descriptor.SigningKey != new Bytes32(keys.SigningPublicKey))
        {
            throw new ArgumentException("The descriptor's signing_key is not the signing key of the key set; it would never verify.", nameof(descriptor));
        }

        var json = DescriptorJson.From(descriptor);
        var check = json.Validate();
        if (!check.IsValid)
        {
            throw new ArgumentException($"The descriptor would not verify: {check}.", nameof(descriptor));
        }

        var body = Serialize(json, DescriptorJsonContext.Default.DescriptorJson);
        if (body.Length > DescriptorLimits.MaxDescriptorSize)
        {
            throw new ArgumentException($"The descriptor is {body.Length} bytes; at most {DescriptorLimits.MaxDescriptorSize}.", nameof(descriptor));
        }

        var message = new byte[ContextLabel.Length + body.Length];
        ContextLabel.CopyTo(message);
        body.CopyTo(message.AsSpan(ContextLabel.Length));
        Span<byte> signature = stackalloc byte[Ed25519.SignatureSize];
        keys.Sign(message, signature);

        var document = new SignedDocumentJson
        {
            Descriptor = Base64Url.EncodeToString(body),
            Signature = Base64Url.EncodeToString(signature),
        };
        return Serialize(document, DescriptorJsonContext.Default.SignedDocumentJson);
    }

    /// <summary>
    /// Verifies a signed document in the §6.2 order: it parses (with every §6.1 rule), the signature verifies with
    /// the descriptor's own <c>signing_key</c>, the key's fingerprint is trusted, <c>domain</c> is
    /// <paramref name="expectedDomain"/>, and <c>expires_at</c> is after <paramref name="now"/>. Never throws on any input.
    /// </summary>
    /// <param name="document">The document as received, at most 16 KiB.</param>
    /// <param name="expectedDomain">The domain asked for; compared without case and a trailing dot.</param>
    /// <param name="now">The verifier's clock.</param>
    /// <param name="trustedFingerprints">
    /// Fingerprints from DNS TXT (<see cref="TernDnsRecords.ParseTxtValue"/>) or cached from earlier contact; any may
    /// match. Null skips the check (neither is available); an empty collection matches nothing.
    /// </param>
    public static DescriptorVerification Verify(ReadOnlySpan<byte> document, string expectedDomain, DateTimeOffset now, IReadOnlyCollection<Bytes32>? trustedFingerprints)
    {
        if (document.Length > DescriptorLimits.MaxDocumentSize)
        {
            return DescriptorVerification.Fail(DescriptorFailure.TooLarge, $"document of {document.Length} bytes; at most {DescriptorLimits.MaxDocumentSize}");
        }

        var nulls = new HashSet<string>(StringComparer.Ordinal);
        var outer = Parse(document, DescriptorJsonContext.Default.SignedDocumentJson, nulls, out var failure);
        if (outer is null)
        {
            return failure;
        }

        if (outer.Descriptor is null)
        {
            return DescriptorJson.Absent("descriptor", nulls);
        }

        if (outer.Signature is null)
        {
            return DescriptorJson.Absent("signature", nulls);
        }

        if (CanonicalBase64Url.DecodedLength(outer.Descriptor.Length) > DescriptorLimits.MaxDescriptorSize)
        {
            return DescriptorVerification.Fail(DescriptorFailure.TooLarge, $"descriptor of about {CanonicalBase64Url.DecodedLength(outer.Descriptor.Length)} bytes; at most {DescriptorLimits.MaxDescriptorSize}");
        }

        Span<byte> signature = stackalloc byte[Ed25519.SignatureSize];
        if (!CanonicalBase64Url.TryDecode(outer.Signature, signature, out var signatureLength) || signatureLength != Ed25519.SignatureSize)
        {
            return DescriptorVerification.Fail(DescriptorFailure.BadBase64, "signature: not 64 bytes of base64url");
        }

        // The descriptor is decoded straight after the context label: the buffer is then the signed message.
        var message = ArrayPool<byte>.Shared.Rent(ContextLabel.Length + DescriptorLimits.MaxDescriptorSize);
        try
        {
            ContextLabel.CopyTo(message);
            if (!CanonicalBase64Url.TryDecode(outer.Descriptor, message.AsSpan(ContextLabel.Length, DescriptorLimits.MaxDescriptorSize), out var bodyLength))
            {
                return DescriptorVerification.Fail(DescriptorFailure.BadBase64, "descriptor: not base64url");
            }

            var signed = message.AsSpan(0, ContextLabel.Length + bodyLength);
            return VerifyDescriptor(signed, signature, expectedDomain, now, trustedFingerprints);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(message);
        }
    }

    private static DescriptorVerification VerifyDescriptor(ReadOnlySpan<byte> signed, ReadOnlySpan<byte> signature, string expectedDomain, DateTimeOffset now, IReadOnlyCollection<Bytes32>? trustedFingerprints)
    {
        var nulls = new HashSet<string>(StringComparer.Ordinal);
        var json = Parse(signed[ContextLabel.Length..], DescriptorJsonContext.Default.DescriptorJson, nulls, out var failure);
        if (json is null)
        {
            return failure;
        }

        json.NullMembers = nulls;

        var parsed = json.Validate();
        if (!parsed.IsValid)
        {
            return parsed;
        }

        var descriptor = parsed.Descriptor;
        Span<byte> signingKey = stackalloc byte[Bytes32.Size];
        descriptor.SigningKey.CopyTo(signingKey);
        if (!Ed25519.Verify(signingKey, signed, signature))
        {
            return DescriptorVerification.Fail(DescriptorFailure.BadSignature, "the signature does not verify with signing_key");
        }

        // §16.3: a descriptor in a rotation carries the word of both signing keys, or none.
        if (descriptor.RotationState != KeyRotationState.None && !KeyRotationStatement.Verifies(descriptor))
        {
            return DescriptorVerification.Fail(DescriptorFailure.BadRotationSignature,
                $"rotation_signature does not verify with {(descriptor.RotationState == KeyRotationState.Announced ? "next_signing_key" : "previous_signing_key")}");
        }

        if (trustedFingerprints is not null && !Contains(trustedFingerprints, descriptor.Fingerprint) && !VouchedByPrevious(descriptor, trustedFingerprints, now))
        {
            return DescriptorVerification.Fail(DescriptorFailure.FingerprintMismatch, $"fingerprint {descriptor.Fingerprint} is not trusted");
        }

        if (!IsSameDomain(descriptor.Domain, expectedDomain))
        {
            return DescriptorVerification.Fail(DescriptorFailure.DomainMismatch, $"descriptor is for {descriptor.Domain}");
        }

        if (descriptor.ExpiresAt.ToUnixTimeSeconds() <= now.ToUnixTimeSeconds())
        {
            return DescriptorVerification.Fail(DescriptorFailure.Expired, $"expired at {descriptor.ExpiresAt:O}");
        }

        return parsed;
    }

    private static T? Parse<T>(ReadOnlySpan<byte> json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, HashSet<string> nullMembers, out DescriptorVerification failure)
        where T : class
    {
        var shape = StrictJson.Check(json, nullMembers, out var detail);
        if (shape != DescriptorFailure.None)
        {
            failure = DescriptorVerification.Fail(shape, detail ?? shape.ToString());
            return null;
        }

        try
        {
            failure = default;
            return JsonSerializer.Deserialize(json, typeInfo);
        }
        catch (JsonException error)
        {
            // The syntax passed StrictJson, so what is left is a value of the wrong type; the path names its field.
            failure = DescriptorVerification.Fail(DescriptorFailure.InvalidField, $"{FieldOf(error.Path)}: wrong type");
            return null;
        }
        catch (InvalidOperationException error)
        {
            failure = DescriptorVerification.Fail(DescriptorFailure.NotJson, error.Message);
            return null;
        }
    }

    private static string FieldOf(string? path)
    {
        // Paths look like "$.issued_at" or "$.notify[3]".
        if (string.IsNullOrEmpty(path))
        {
            return "(document)";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        var bracket = field.IndexOf('[', StringComparison.Ordinal);
        return bracket > 0 ? field[..bracket] : field;
    }

    /// <summary>
    /// §16.3 step 2: in a rotated descriptor's window, the previous signing key — whose cross-signature was checked — vouches
    /// for the new one, so a verifier whose DNS answer still names only the old fingerprint follows the rotation.
    /// </summary>
    private static bool VouchedByPrevious(DomainDescriptor descriptor, IReadOnlyCollection<Bytes32> trusted, DateTimeOffset now)
    {
        if (descriptor.RotationState != KeyRotationState.Rotated || now.ToUnixTimeSeconds() >= descriptor.PreviousUntil!.Value.ToUnixTimeSeconds())
        {
            return false;
        }

        Span<byte> key = stackalloc byte[Bytes32.Size];
        Span<byte> fingerprint = stackalloc byte[KeyFingerprint.Size];
        descriptor.PreviousSigningKey!.Value.CopyTo(key);
        KeyFingerprint.Compute(key, fingerprint);
        return Contains(trusted, new Bytes32(fingerprint));
    }

    private static bool Contains(IReadOnlyCollection<Bytes32> trusted, Bytes32 fingerprint)
    {
        foreach (var candidate in trusted)
        {
            if (candidate == fingerprint)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSameDomain(string domain, string? expected)
    {
        // ASCII-only case folding: culture or Unicode folding could equate a look-alike with a real name.
        if (expected is null)
        {
            return false;
        }

        var name = expected.AsSpan().TrimEnd('.');
        if (name.Length != domain.Length)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is >= 'A' and <= 'Z')
            {
                c = (char)(c + ('a' - 'A'));
            }

            if (c != domain[i])
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] Serialize<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
