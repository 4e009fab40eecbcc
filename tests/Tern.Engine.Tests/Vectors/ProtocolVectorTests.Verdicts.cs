using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;
using Tern.Engine.Crypto;
using Tern.Engine.Ingest;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Ingest;

namespace Tern.Engine.Tests.Vectors;

/// <summary>
/// datagram-verdicts.json, text-forms.json and descriptor-verdicts.json: the verdicts docs/PROTOCOL.md gives on borderline
/// and malformed input (§2.3, §4.2, §4.4, §6.1–6.3), checked against the engine's receivers, and the bytes rebuilt from
/// what each case says was sealed or signed.
/// </summary>
public sealed partial class ProtocolVectorTests
{
    [Fact]
    public void Datagram_verdict_cases_are_sealings_of_their_header_and_body()
    {
        var vector = VectorDocument.Load("datagram-verdicts.json");
        using var sender = VectorDocument.DomainKeys(vector["sender"].Text());
        var key = SendingKey(vector, sender);
        var sealedCases = 0;
        foreach (var entry in vector["cases"].Array())
        {
            if (entry!["header"] is null)
            {
                continue;
            }

            var header = entry["header"].Hex();
            var body = entry["plaintext_body"].Hex();
            var sealedBody = new byte[body.Length + XChaCha20Poly1305.TagSize];
            XChaCha20Poly1305.Seal(key, header.AsSpan(34, XChaCha20Poly1305.NonceSize), body, header, sealedBody);

            Assert.Equal(entry["datagram"].Hex(), (byte[])[.. header, .. sealedBody]);
            Assert.Equal(NotificationLimits.Version, header[0]);
            Assert.Equal(vector["sender_key"].Hex(), header[2..34]);
            sealedCases++;
        }

        Assert.True(sealedCases >= 10, $"{sealedCases} sealed cases");
    }

    [Fact]
    public void Datagram_verdicts_are_what_the_ingest_decides_4_4()
    {
        var vector = VectorDocument.Load("datagram-verdicts.json");
        using var receiver = VectorDocument.DomainKeys(vector["receiver"].Text());
        var source = 0;
        foreach (var entry in vector["cases"].Array())
        {
            var name = entry!["name"].Text();
            var sink = new RecordingSink();
            var ingest = new NotificationIngest(receiver, sink, sink, new IngestOptions());

            var reason = ingest.Process(entry["datagram"].Hex(), ++source, entry["now"].Int64());

            Assert.True(entry["verdict"].Text() == (reason == DropReason.None ? "accepted" : Snake(reason)), $"{name}: the ingest says {reason}");
            var records = entry["records"] is { } list ? list.Array().Select(r => r.Text()).ToList() : [];
            Assert.Equal(records.Count(r => r == "accepted"), sink.Accepted.Count);
            foreach (var dropped in Enum.GetValues<DropReason>().Where(r => r is DropReason.Expired or DropReason.ExpiryTooFar))
            {
                Assert.True(records.Count(r => r == Snake(dropped)) == ingest.Counters.Drops(dropped), $"{name}: {dropped}");
            }

            // One datagram, one count: a dropped datagram is counted once, under its verdict, and nothing else.
            Assert.Equal(reason == DropReason.None ? records.Count(r => r != "accepted") : 1, ingest.Counters.TotalDrops);
        }
    }

    [Fact]
    public void Base64url_text_forms_decode_only_when_canonical_2_3()
    {
        var vector = VectorDocument.Load("text-forms.json");
        foreach (var entry in vector["base64url"].Array())
        {
            var text = entry!["text"].Text();
            var length = entry["length"].Int32();
            var bytes = new byte[length];
            var decoded = CanonicalBase64Url.TryDecode(text, bytes, out var written) && written == length;
            if (length == Bytes32.Size)
            {
                Assert.Equal(decoded, CanonicalBase64Url.TryDecode(text, out Bytes32 _));
            }

            Assert.True(entry["valid"].Boolean() == decoded, $"'{text}': decoded {decoded}");
            if (decoded)
            {
                Assert.Equal(entry["bytes"].Hex(), bytes);
                Assert.Equal(text, Base64Url.EncodeToString(bytes));
            }
        }
    }

    [Fact]
    public void Txt_values_parse_to_their_verdict_6_3()
    {
        var vector = VectorDocument.Load("text-forms.json");
        foreach (var entry in vector["txt"].Array())
        {
            var value = entry!["value"].Text();
            var parsed = TernDnsRecords.ParseTxtValue(value);
            var fingerprints = entry["fingerprints"].Strings();

            Assert.True(entry["verdict"].Text() == (parsed.IsValid ? "valid" : Snake(parsed.Failure)), $"'{value}': {parsed}");
            Assert.Equal(fingerprints, parsed.Fingerprints.Select(f => f.ToString()));
            if (entry["canonical"].Boolean())
            {
                Assert.Equal(value, TernDnsRecords.FormatTxtValue([.. fingerprints.Select(Bytes32.Parse)]));
            }
        }
    }

    [Fact]
    public void Descriptor_verdicts_are_what_the_verifier_decides_6_1()
    {
        var vector = VectorDocument.Load("descriptor-verdicts.json");
        using var keys = VectorDocument.DomainKeys(vector["domain"].Text());
        var trusted = new[] { Bytes32.Parse(vector["fingerprint"].Text()) };
        var at = DateTimeOffset.FromUnixTimeSeconds(vector["verify_at"].Int64());
        foreach (var entry in vector["cases"].Array())
        {
            var name = entry!["name"].Text();
            var text = Encoding.UTF8.GetBytes(entry["descriptor_text"].Text());
            var signature = new byte[Ed25519.SignatureSize];
            keys.Sign([.. "tern/v1/descriptor\n"u8, .. text], signature);
            Assert.Equal(
                $"{{\"descriptor\":\"{Base64Url.EncodeToString(text)}\",\"signature\":\"{Base64Url.EncodeToString(signature)}\"}}",
                entry["document"].Text());

            var verified = SignedDescriptor.Verify(Encoding.UTF8.GetBytes(entry["document"].Text()), vector["domain"].Text(), at, trusted);

            Assert.True(entry["verdict"].Text() == (verified.IsValid ? "valid" : Snake(verified.Failure)), $"{name}: {verified}");
        }

        var tableOrder = vector["cases"].Array().Single(c => c!["name"].Text() == "table_order")!;
        Assert.Equal(VectorDocument.Load("descriptor.json")["descriptor_text"].Text(), tableOrder["descriptor_text"].Text());
    }

    /// <summary>The spec's name of a reason: <c>ExpiryTooFar</c> → <c>expiry_too_far</c>.</summary>
    private static string Snake(Enum value) => Regex.Replace(value.ToString(), "(?<=[a-z])([A-Z])", "_$1").ToLowerInvariant();
}
