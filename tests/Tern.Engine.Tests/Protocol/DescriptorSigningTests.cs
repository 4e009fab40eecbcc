using System.Buffers.Text;
using System.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Tests.Protocol;

/// <summary>Signing and verifying the descriptor document (docs/PROTOCOL.md §6.1–6.2), one test per outcome.</summary>
public sealed class DescriptorSigningTests : IDisposable
{
    private readonly DescriptorFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Sign_then_verify_round_trips_every_field()
    {
        var tls = Bytes32.Random();
        var original = _fixture.Descriptor(tls);
        var document = SignedDescriptor.Sign(original, _fixture.Keys);

        var result = DescriptorFixture.Verify(document, [_fixture.Fingerprint]);

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(DescriptorFailure.None, result.Failure);
        var d = result.Descriptor;
        Assert.Equal(1, d.Version);
        Assert.Equal("a.example", d.Domain);
        Assert.Equal(new Bytes32(_fixture.Keys.SigningPublicKey), d.SigningKey);
        Assert.Equal(new Bytes32(_fixture.Keys.AgreementPublicKey), d.AgreementKey);
        Assert.Equal(["tern/1"], d.Protocols);
        Assert.Equal(original.Notify, d.Notify);
        Assert.Equal(original.Fetch, d.Fetch);
        Assert.Equal(tls, d.TlsCertSha256);
        Assert.Equal(DescriptorLimits.MaxTransitSeconds, d.MaxTransitSeconds);
        Assert.False(d.Escrow);
        Assert.False(d.Gateway);
        Assert.Equal(DescriptorFixture.Now, d.IssuedAt);
        Assert.Equal(DescriptorFixture.Now + DescriptorFixture.Validity, d.ExpiresAt);
        Assert.Null(d.Ledger);
        Assert.Equal(_fixture.Keys.Fingerprint, d.Fingerprint.ToString());
    }

    [Fact]
    public void Sign_writes_the_6_1_names_in_table_order_and_a_compact_6_2_document()
    {
        var descriptor = new DomainDescriptor
        {
            Domain = "a.example",
            SigningKey = new Bytes32(_fixture.Keys.SigningPublicKey),
            AgreementKey = new Bytes32(_fixture.Keys.AgreementPublicKey),
            Protocols = ["tern/1"],
            Notify = ["udp://node.a.example:7400"],
            Fetch = ["tern+tcp://node.a.example:7401"],
            TlsCertSha256 = new Bytes32(new byte[32]),
            MaxTransitSeconds = 86_400,
            Escrow = true,
            Gateway = false,
            IssuedAt = DescriptorFixture.Now,
            ExpiresAt = DescriptorFixture.Now.AddDays(1),
            Ledger = "https://a.example/ledger",
        };

        var document = SignedDescriptor.Sign(descriptor, _fixture.Keys);

        var (body, signature) = DescriptorFixture.Split(document);
        Assert.Equal(DescriptorFixture.Document(body, signature), document);
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(body));
        Assert.Equal(
            "{\"version\":1,\"domain\":\"a.example\"," +
            $"\"signing_key\":\"{_fixture.SigningKeyText}\",\"agreement_key\":\"{_fixture.AgreementKeyText}\"," +
            "\"protocols\":[\"tern/1\"],\"notify\":[\"udp://node.a.example:7400\"],\"fetch\":[\"tern+tcp://node.a.example:7401\"]," +
            "\"tls_cert_sha256\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"max_transit_seconds\":86400,\"escrow\":true,\"gateway\":false," +
            $"\"issued_at\":{DescriptorFixture.IssuedAt},\"expires_at\":{DescriptorFixture.IssuedAt + 86_400},\"ledger\":\"https://a.example/ledger\"}}",
            json);

        // The signature is over the context label and the exact bytes carried.
        var message = "tern/v1/descriptor\n"u8.ToArray().Concat(Base64Url.DecodeFromChars(body)).ToArray();
        Assert.True(Ed25519.Verify(_fixture.Keys.SigningPublicKey, message, Base64Url.DecodeFromChars(signature)));
        Assert.False(Ed25519.Verify(_fixture.Keys.SigningPublicKey, Base64Url.DecodeFromChars(body), Base64Url.DecodeFromChars(signature)));
    }

    [Fact]
    public void Sign_omits_absent_optional_fields_and_is_deterministic()
    {
        var first = _fixture.Signed();
        var second = _fixture.Signed();

        Assert.Equal(first, second);
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(DescriptorFixture.Split(first).Descriptor));
        Assert.DoesNotContain("tls_cert_sha256", json, StringComparison.Ordinal);
        Assert.DoesNotContain("ledger", json, StringComparison.Ordinal);
        Assert.Equal(DescriptorFixture.Json(_fixture.Fields()), json);
    }

    [Fact]
    public void Verify_accepts_a_document_built_independently_from_the_spec()
    {
        var document = _fixture.SignRaw(DescriptorFixture.Json(_fixture.Fields()));

        var result = DescriptorFixture.Verify(document, [_fixture.Fingerprint]);

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(["tern+tcp://node.a.example:7401", "https://node.a.example:443"], result.Descriptor.Fetch);
    }

    [Fact]
    public void Verify_ignores_unknown_fields_and_tolerates_whitespace()
    {
        var fields = _fixture.Fields();
        fields.Insert(0, new("future", "{\"nested\":[1,2,{\"x\":null}]}"));
        fields.Add(new("also_unknown", "\"text\""));
        var (body, signature) = DescriptorFixture.Split(_fixture.SignRaw(DescriptorFixture.Json(fields)));
        var spaced = Encoding.UTF8.GetBytes($" {{\n  \"descriptor\" : \"{body}\",\r\n\t\"signature\":\"{signature}\", \"extra\": [true] }}\n");

        var result = DescriptorFixture.Verify(spaced);

        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void Verify_accepts_the_expected_domain_in_any_case_with_a_trailing_dot()
    {
        Assert.True(DescriptorFixture.Verify(_fixture.Signed(), domain: "A.Example.").IsValid);
    }

    [Fact]
    public void A_flipped_signature_bit_is_a_bad_signature()
    {
        var (body, signature) = DescriptorFixture.Split(_fixture.Signed());
        var bytes = Base64Url.DecodeFromChars(signature);
        bytes[10] ^= 0x01;

        var result = DescriptorFixture.Verify(DescriptorFixture.Document(body, Base64Url.EncodeToString(bytes)));

        Assert.Equal(DescriptorFailure.BadSignature, result.Failure);
        Assert.Null(result.Descriptor);
    }

    [Fact]
    public void A_changed_descriptor_byte_is_a_bad_signature()
    {
        var (body, signature) = DescriptorFixture.Split(_fixture.Signed());
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(body));
        var tampered = json.Replace("\"escrow\":false", "\"escrow\":true ", StringComparison.Ordinal);
        Assert.NotEqual(json, tampered);

        var result = DescriptorFixture.Verify(DescriptorFixture.Document(Base64Url.EncodeToString(Encoding.UTF8.GetBytes(tampered)), signature));

        Assert.Equal(DescriptorFailure.BadSignature, result.Failure);
    }

    [Fact]
    public void A_descriptor_signed_by_another_key_than_its_own_is_a_bad_signature()
    {
        var document = DescriptorFixture.SignRaw(Encoding.UTF8.GetBytes(DescriptorFixture.Json(_fixture.Fields())), _fixture.OtherKeys);

        Assert.Equal(DescriptorFailure.BadSignature, DescriptorFixture.Verify(document).Failure);
    }

    [Fact]
    public void The_signature_is_bound_to_the_descriptor_context_label()
    {
        var body = Encoding.UTF8.GetBytes(DescriptorFixture.Json(_fixture.Fields()));
        var signature = new byte[Ed25519.SignatureSize];
        _fixture.Keys.Sign(body, signature);

        var document = DescriptorFixture.Document(Base64Url.EncodeToString(body), Base64Url.EncodeToString(signature));

        Assert.Equal(DescriptorFailure.BadSignature, DescriptorFixture.Verify(document).Failure);
    }

    [Fact]
    public void A_fingerprint_not_in_the_trusted_set_is_a_mismatch()
    {
        var document = _fixture.Signed();
        var other = Bytes32.Parse(_fixture.OtherKeys.Fingerprint);

        Assert.Equal(DescriptorFailure.FingerprintMismatch, DescriptorFixture.Verify(document, [other]).Failure);
        Assert.Equal(DescriptorFailure.FingerprintMismatch, DescriptorFixture.Verify(document, []).Failure);
        Assert.True(DescriptorFixture.Verify(document, [other, _fixture.Fingerprint]).IsValid);
        Assert.True(DescriptorFixture.Verify(document, null).IsValid);
    }

    [Fact]
    public void A_descriptor_for_another_domain_is_a_domain_mismatch()
    {
        var result = DescriptorFixture.Verify(_fixture.Signed(), domain: "b.example");

        Assert.Equal(DescriptorFailure.DomainMismatch, result.Failure);
        Assert.Contains("a.example", result.Detail, StringComparison.Ordinal);
        Assert.Equal(DescriptorFailure.DomainMismatch, DescriptorFixture.Verify(_fixture.Signed(), domain: "a.examplé").Failure);
        Assert.Equal(DescriptorFailure.DomainMismatch, SignedDescriptor.Verify(_fixture.Signed(), null!, DescriptorFixture.Now, null).Failure);
    }

    [Fact]
    public void A_descriptor_is_expired_from_its_expires_at_second_on()
    {
        var document = _fixture.Signed();
        var expiry = DescriptorFixture.Now + DescriptorFixture.Validity;

        Assert.True(DescriptorFixture.Verify(document, now: expiry.AddSeconds(-1)).IsValid);
        Assert.Equal(DescriptorFailure.Expired, DescriptorFixture.Verify(document, now: expiry).Failure);
        Assert.Equal(DescriptorFailure.Expired, DescriptorFixture.Verify(document, now: expiry.AddYears(1)).Failure);
    }

    [Fact]
    public void Checks_run_in_the_6_2_order()
    {
        var document = _fixture.Signed();
        var other = Bytes32.Parse(_fixture.OtherKeys.Fingerprint);
        var late = DescriptorFixture.Now.AddYears(1);

        Assert.Equal(DescriptorFailure.FingerprintMismatch, DescriptorFixture.Verify(document, [other], "b.example", late).Failure);
        Assert.Equal(DescriptorFailure.DomainMismatch, DescriptorFixture.Verify(document, [_fixture.Fingerprint], "b.example", late).Failure);

        var (body, signature) = DescriptorFixture.Split(document);
        var bad = Base64Url.DecodeFromChars(signature);
        bad[0] ^= 0x80;
        Assert.Equal(DescriptorFailure.BadSignature, DescriptorFixture.Verify(DescriptorFixture.Document(body, Base64Url.EncodeToString(bad)), [other], "b.example", late).Failure);
    }

    [Fact]
    public void An_oversized_document_or_descriptor_is_too_large()
    {
        var document = _fixture.Signed();
        var padded = document.Concat(Enumerable.Repeat((byte)' ', DescriptorLimits.MaxDocumentSize - document.Length + 1)).ToArray();
        Assert.Equal(DescriptorFailure.TooLarge, DescriptorFixture.Verify(padded).Failure);
        Assert.True(SignedDescriptor.Verify(padded.AsSpan(0, DescriptorLimits.MaxDocumentSize), "a.example", DescriptorFixture.Now, null).IsValid);

        var fields = _fixture.Fields();
        var filler = DescriptorLimits.MaxDescriptorSize - DescriptorFixture.Json(fields).Length - ",\"pad\":\"\"".Length;
        fields.Add(new("pad", $"\"{new string('x', filler)}\""));
        Assert.Equal(DescriptorLimits.MaxDescriptorSize, DescriptorFixture.Json(fields).Length);
        Assert.True(DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(fields))).IsValid);

        fields[^1] = new("pad", $"\"{new string('x', filler + 1)}\"");
        var large = DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(fields)));
        Assert.Equal(DescriptorFailure.TooLarge, large.Failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"descriptor\"")]
    [InlineData("null")]
    [InlineData("{\"descriptor\":\"AAAA\",\"signature\":\"AAAA\"")]
    [InlineData("{\"descriptor\":\"AAAA\",\"signature\":\"AAAA\",}")]
    [InlineData("{\"descriptor\":\"AAAA\",\"signature\":\"AAAA\"} {}")]
    [InlineData("{\"descriptor\":\"AAAA\", /* comment */ \"signature\":\"AAAA\"}")]
    [InlineData("{'descriptor':'AAAA'}")]
    [InlineData("{\"descriptor\":\"\\ud800\",\"signature\":\"AAAA\"}")]
    public void Malformed_documents_are_not_json(string text)
    {
        Assert.Equal(DescriptorFailure.NotJson, DescriptorFixture.Verify(Encoding.UTF8.GetBytes(text)).Failure);
    }

    [Fact]
    public void Invalid_utf8_inside_a_string_is_not_json()
    {
        var document = Encoding.UTF8.GetBytes("{\"descriptor\":\"AA\",\"signature\":\"AAAA\",\"x\":\"?\"}");
        document[^3] = 0xC3; // a lead byte with no continuation

        Assert.Equal(DescriptorFailure.NotJson, DescriptorFixture.Verify(document).Failure);
    }

    [Fact]
    public void A_descriptor_that_is_not_json_is_not_json()
    {
        Assert.Equal(DescriptorFailure.NotJson, DescriptorFixture.Verify(_fixture.SignRaw("{\"version\":1")).Failure);
        Assert.Equal(DescriptorFailure.NotJson, DescriptorFixture.Verify(_fixture.SignRaw("[1]")).Failure);
    }

    [Fact]
    public void Deep_nesting_is_too_deep_in_either_layer()
    {
        var (body, signature) = DescriptorFixture.Split(_fixture.Signed());
        var outer = Encoding.UTF8.GetBytes($"{{\"descriptor\":\"{body}\",\"signature\":\"{signature}\",\"x\":[[[[1]]]]}}");
        Assert.Equal(DescriptorFailure.TooDeep, DescriptorFixture.Verify(outer).Failure);

        var fields = _fixture.Fields();
        fields.Add(new("x", "{\"a\":{\"b\":[1]}}"));
        Assert.True(DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(fields))).IsValid);
        fields[^1] = new("x", "{\"a\":{\"b\":[[1]]}}");
        Assert.Equal(DescriptorFailure.TooDeep, DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(fields))).Failure);

        var bomb = new string('[', 5_000) + new string(']', 5_000);
        Assert.Equal(DescriptorFailure.TooDeep, DescriptorFixture.Verify(Encoding.UTF8.GetBytes("{\"x\":" + bomb + "}")).Failure);
    }

    [Fact]
    public void A_property_named_twice_is_refused_in_either_layer_even_when_escaped_or_unknown()
    {
        var (body, signature) = DescriptorFixture.Split(_fixture.Signed());
        var twice = Encoding.UTF8.GetBytes($"{{\"descriptor\":\"{body}\",\"signature\":\"{signature}\",\"descriptor\":\"{body}\"}}");
        var result = DescriptorFixture.Verify(twice);
        Assert.Equal(DescriptorFailure.DuplicateProperty, result.Failure);
        Assert.Equal("descriptor", result.Detail);

        var json = DescriptorFixture.Json(_fixture.Fields());
        Assert.Equal(DescriptorFailure.DuplicateProperty, DescriptorFixture.Verify(_fixture.SignRaw(json[..^1] + ",\"domain\":\"b.example\"}")).Failure);
        Assert.Equal(DescriptorFailure.DuplicateProperty, DescriptorFixture.Verify(_fixture.SignRaw(json[..^1] + ",\"\\u0064omain\":\"b.example\"}")).Failure);
        Assert.Equal(DescriptorFailure.DuplicateProperty, DescriptorFixture.Verify(_fixture.SignRaw(json[..^1] + ",\"x\":1,\"x\":2}")).Failure);
        Assert.Equal(DescriptorFailure.DuplicateProperty, DescriptorFixture.Verify(_fixture.SignRaw(json[..^1] + ",\"x\":{\"y\":1,\"y\":1}}")).Failure);

        // The same name in sibling objects is not a duplicate.
        Assert.True(DescriptorFixture.Verify(_fixture.SignRaw(json[..^1] + ",\"x\":{\"y\":1},\"z\":{\"y\":1}}")).IsValid);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("domain")]
    [InlineData("signing_key")]
    [InlineData("agreement_key")]
    [InlineData("protocols")]
    [InlineData("notify")]
    [InlineData("fetch")]
    [InlineData("max_transit_seconds")]
    [InlineData("escrow")]
    [InlineData("gateway")]
    [InlineData("issued_at")]
    [InlineData("expires_at")]
    public void Every_required_field_is_required(string field)
    {
        var absent = DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(DescriptorFixture.With(_fixture.Fields(), field, null))));
        Assert.Equal(DescriptorFailure.MissingField, absent.Failure);
        Assert.Equal(field, absent.Detail);

        // §6.1: null is not a value of any field, so a required field given as null is invalid, not merely missing.
        var nulled = DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(DescriptorFixture.With(_fixture.Fields(), field, "null"))));
        Assert.Equal(DescriptorFailure.InvalidField, nulled.Failure);
        Assert.StartsWith(field + ": null", nulled.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_document_needs_both_of_its_fields()
    {
        var (body, signature) = DescriptorFixture.Split(_fixture.Signed());

        var noSignature = DescriptorFixture.Verify(Encoding.UTF8.GetBytes($"{{\"descriptor\":\"{body}\"}}"));
        Assert.Equal((DescriptorFailure.MissingField, "signature"), (noSignature.Failure, noSignature.Detail));
        var noDescriptor = DescriptorFixture.Verify(Encoding.UTF8.GetBytes($"{{\"signature\":\"{signature}\"}}"));
        Assert.Equal((DescriptorFailure.MissingField, "descriptor"), (noDescriptor.Failure, noDescriptor.Detail));
        Assert.Equal(DescriptorFailure.MissingField, DescriptorFixture.Verify("{}"u8.ToArray()).Failure);
        Assert.Equal(DescriptorFailure.InvalidField, DescriptorFixture.Verify(Encoding.UTF8.GetBytes($"{{\"descriptor\":\"{body}\",\"signature\":64}}")).Failure);
    }

    [Fact]
    public void Base64_that_is_not_canonical_unpadded_base64url_is_refused()
    {
        var (body, signature) = DescriptorFixture.Split(_fixture.Signed());
        var signatureBytes = Base64Url.DecodeFromChars(signature);
        var standard = Convert.ToBase64String(signatureBytes);

        string[] badSignatures =
        [
            signature + "==",                                   // padded
            standard.TrimEnd('='),                              // the "+/" alphabet (skipped when it has neither)
            signature[..^1] + NonCanonicalLast(signature[^1], 2), // unused bits set
            signature[..40] + " " + signature[40..],            // whitespace
            Base64Url.EncodeToString(signatureBytes.AsSpan(0, 63)), // 63 bytes
            Base64Url.EncodeToString([.. signatureBytes, 0]),   // 65 bytes
            signature[..^1],                                    // 85 characters
            "",
        ];
        foreach (var bad in badSignatures.Where(s => s != signature))
        {
            var result = DescriptorFixture.Verify(DescriptorFixture.Document(body, bad));
            Assert.True(result.Failure == DescriptorFailure.BadBase64, $"{bad}: {result}");
            Assert.StartsWith("signature", result.Detail, StringComparison.Ordinal);
        }

        string[] badBodies = [body + "=", body[..20] + "\\n" + body[20..], body[..10] + "+" + body[11..], body[..^1] + "*"];
        foreach (var bad in badBodies)
        {
            var result = DescriptorFixture.Verify(DescriptorFixture.Document(bad, signature));
            Assert.True(result.Failure == DescriptorFailure.BadBase64, $"{bad}: {result}");
        }
    }

    [Fact]
    public void A_version_other_than_1_is_unsupported()
    {
        var result = DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(DescriptorFixture.With(_fixture.Fields(), "version", "2"))));

        Assert.Equal(DescriptorFailure.UnsupportedVersion, result.Failure);
    }

    [Theory]
    [InlineData("version", "\"1\"")]
    [InlineData("version", "1.0")]
    [InlineData("domain", "\"A.example\"")]
    [InlineData("domain", "\"a..example\"")]
    [InlineData("domain", "\"-a.example\"")]
    [InlineData("domain", "\"a.example.\"")]
    [InlineData("domain", "\"xn--caf-dma.example \"")]
    [InlineData("domain", "\"caf\u00e9.example\"")]
    [InlineData("domain", "\"\"")]
    [InlineData("domain", "7")]
    [InlineData("signing_key", "\"AAAA\"")]
    [InlineData("signing_key", "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"")]
    [InlineData("signing_key", "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB\"")]
    [InlineData("agreement_key", "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"")]
    [InlineData("agreement_key", "[]")]
    [InlineData("protocols", "\"tern/1\"")]
    [InlineData("protocols", "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]")]
    [InlineData("notify", "[null]")]
    [InlineData("notify", "[1]")]
    [InlineData("fetch", "[[\"https://a\"]]")]
    [InlineData("tls_cert_sha256", "\"not base64\"")]
    [InlineData("tls_cert_sha256", "0")]
    [InlineData("max_transit_seconds", "0")]
    [InlineData("max_transit_seconds", "-5")]
    [InlineData("max_transit_seconds", "2592001")]
    [InlineData("max_transit_seconds", "99999999999")]
    [InlineData("escrow", "0")]
    [InlineData("gateway", "\"false\"")]
    [InlineData("issued_at", "-1")]
    [InlineData("issued_at", "1e9")]
    [InlineData("issued_at", "99999999999999999999")]
    [InlineData("expires_at", "253402300800")]
    [InlineData("ledger", "{}")]
    public void A_field_breaking_a_6_1_rule_is_invalid_and_named(string field, string rawValue)
    {
        var result = DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(DescriptorFixture.With(_fixture.Fields(), field, rawValue))));

        Assert.Equal(DescriptorFailure.InvalidField, result.Failure);
        Assert.StartsWith(field, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Issued_at_must_be_before_expires_at()
    {
        var fields = DescriptorFixture.With(_fixture.Fields(), "expires_at", DescriptorFixture.IssuedAt.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var result = DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(fields)));

        Assert.Equal(DescriptorFailure.InvalidField, result.Failure);
        Assert.StartsWith("expires_at", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Lists_take_up_to_8_entries_of_up_to_200_characters()
    {
        var eight = "[" + string.Join(",", Enumerable.Range(0, 8).Select(i => $"\"udp://n{i}.a.example:7400\"")) + "]";
        var longest = $"[\"{new string('a', 200)}\"]";
        var tooLong = $"[\"{new string('a', 201)}\"]";

        Assert.True(DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(DescriptorFixture.With(_fixture.Fields(), "notify", eight)))).IsValid);
        Assert.True(DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(DescriptorFixture.With(_fixture.Fields(), "fetch", longest)))).IsValid);
        Assert.True(DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(DescriptorFixture.With(_fixture.Fields(), "protocols", "[]")))).IsValid);
        var result = DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(DescriptorFixture.With(_fixture.Fields(), "fetch", tooLong))));
        Assert.Equal(DescriptorFailure.InvalidField, result.Failure);
    }

    [Fact]
    public void Sign_refuses_what_verify_would_refuse()
    {
        var good = _fixture.Descriptor();
        DomainDescriptor[] bad =
        [
            Copy(good, protocols: Enumerable.Repeat("tern/1", 9).ToArray()),
            Copy(good, notify: [new string('x', 201)]),
            Copy(good, expiresAt: good.IssuedAt),
            Copy(good, domain: "Not A Domain"),
            Copy(good, maxTransit: DescriptorLimits.MaxTransitSeconds + 1),
            Copy(good, issuedAt: DateTimeOffset.FromUnixTimeSeconds(-1)),
        ];

        foreach (var descriptor in bad)
        {
            Assert.Throws<ArgumentException>(() => SignedDescriptor.Sign(descriptor, _fixture.Keys));
        }

        Assert.Throws<ArgumentException>(() => SignedDescriptor.Sign(good, _fixture.OtherKeys));
    }

    [Fact]
    public void For_builds_a_descriptor_from_the_key_set_truncated_to_seconds()
    {
        var descriptor = _fixture.Descriptor();

        Assert.Equal(_fixture.Keys.Domain, descriptor.Domain);
        Assert.Equal(_fixture.Keys.Fingerprint, descriptor.Fingerprint.ToString());
        Assert.Equal([DescriptorLimits.ProtocolV1], descriptor.Protocols);
        Assert.Throws<ArgumentOutOfRangeException>(() => DomainDescriptor.For(_fixture.Keys, [], [], TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => DomainDescriptor.For(_fixture.Keys, [], [], TimeSpan.FromDays(1), maxTransitSeconds: 0));
    }

    private static char NonCanonicalLast(char last, int unusedBitsSet)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return Alphabet[Alphabet.IndexOf(last, StringComparison.Ordinal) | unusedBitsSet];
    }

    private static DomainDescriptor Copy(
        DomainDescriptor d,
        string? domain = null,
        string[]? protocols = null,
        string[]? notify = null,
        int? maxTransit = null,
        DateTimeOffset? issuedAt = null,
        DateTimeOffset? expiresAt = null) => new()
        {
            Domain = domain ?? d.Domain,
            SigningKey = d.SigningKey,
            AgreementKey = d.AgreementKey,
            Protocols = protocols ?? d.Protocols,
            Notify = notify ?? d.Notify,
            Fetch = d.Fetch,
            MaxTransitSeconds = maxTransit ?? d.MaxTransitSeconds,
            IssuedAt = issuedAt ?? d.IssuedAt,
            ExpiresAt = expiresAt ?? d.ExpiresAt,
        };
}
