using System.Buffers.Text;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Tests.Protocol;

/// <summary>
/// Hostile input for the descriptor verifier and the TXT parser (docs/PROTOCOL.md §6): random bytes, JSON-ish
/// noise and single-byte mutations of valid documents. Nothing may throw; every result is valid or has a reason;
/// and a mutation that still verifies can only have touched insignificant whitespace.
/// </summary>
public sealed class DescriptorPropertyTests : IDisposable
{
    private const int Cases = 10_000;

    private static readonly string[] JsonTokens =
    [
        "{", "}", "[", "]", ":", ",", " ", "\n", "\t", "\"", "\\", "\\u00", "\\ud800", "\u00e9", "\ud83d\ude00",
        "\"descriptor\"", "\"signature\"", "\"version\"", "\"domain\"", "\"signing_key\"", "\"notify\"", "\"expires_at\"",
        "0", "1", "-1", "1.5", "1e999", "99999999999999999999", "true", "false", "null", "\"a.example\"", "\"AAAA\"",
        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"", "[\"tern/1\"]", "{}", "[]", "/*", "*/", "'",
    ];

    private static readonly string[] JsonValues =
    [
        "0", "1", "2", "-1", "2592000", "2592001", "1.0", "1e3", "9223372036854775807", "9223372036854775808",
        "253402300799", "253402300800", "true", "false", "null", "\"\"", "\"a.example\"", "\"A.EXAMPLE\"", "\"x\"",
        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"", "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB\"",
        "[]", "[\"tern/1\"]", "[null]", "[1]", "[[]]", "{}", "{\"a\":[1]}", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]",
        "\"\\u0000\"", "\"\\ud800\"", "\"\u00e9\"",
    ];

    private readonly DescriptorFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Random_bytes_never_verify_and_never_throw()
    {
        var random = new Random(6_1);
        for (var i = 0; i < Cases; i++)
        {
            var bytes = new byte[i % 100 == 0 ? random.Next(16_000, 17_000) : random.Next(0, 600)];
            random.NextBytes(bytes);
            if (i % 3 == 0 && bytes.Length > 0)
            {
                bytes[0] = (byte)'{';
            }

            AssertRefused(DescriptorFixture.Verify(bytes, [_fixture.Fingerprint]));
            AssertWellFormed(TernDnsRecords.ParseTxtValue(Encoding.Latin1.GetString(bytes)));
        }
    }

    [Fact]
    public void Json_ish_noise_never_throws()
    {
        var random = new Random(6_2);
        var (body, signature) = DescriptorFixture.Split(_fixture.Signed());
        string[] tokens = [.. JsonTokens, $"\"{body}\"", $"\"{signature}\"", body[..20]];
        var text = new StringBuilder();
        for (var i = 0; i < Cases; i++)
        {
            text.Clear();
            var count = random.Next(0, 40);
            for (var t = 0; t < count; t++)
            {
                text.Append(tokens[random.Next(tokens.Length)]);
            }

            var result = DescriptorFixture.Verify(Encoding.UTF8.GetBytes(text.ToString()), [_fixture.Fingerprint]);
            if (result.IsValid)
            {
                // Only possible by reassembling the real document; then it must be the real descriptor.
                Assert.Equal((body, signature), DescriptorFixture.Split(Encoding.UTF8.GetBytes(text.ToString())));
            }
            else
            {
                AssertRefused(result);
            }
        }
    }

    [Fact]
    public void Random_json_descriptors_signed_correctly_verify_only_when_sign_would_accept_them()
    {
        var random = new Random(6_3);
        var valid = 0;
        for (var i = 0; i < Cases; i++)
        {
            var fields = _fixture.Fields();
            for (var f = fields.Count - 1; f >= 0; f--)
            {
                switch (random.Next(20))
                {
                    case 0:
                        fields.RemoveAt(f);
                        break;
                    case 1 or 2:
                        fields[f] = new(fields[f].Key, JsonValues[random.Next(JsonValues.Length)]);
                        break;
                    case 3:
                        fields.Insert(f, new(random.Next(2) == 0 ? fields[f].Key : "unknown", JsonValues[random.Next(JsonValues.Length)]));
                        break;
                }
            }

            if (random.Next(4) == 0)
            {
                fields.Insert(random.Next(fields.Count + 1), new("tls_cert_sha256", JsonValues[random.Next(JsonValues.Length)]));
            }

            var result = DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(fields)), [_fixture.Fingerprint]);
            if (result.IsValid)
            {
                valid++;
                AssertSignerAgrees(result.Descriptor);
            }
            else
            {
                AssertRefused(result);
            }
        }

        Assert.InRange(valid, 1, Cases - 1);
    }

    [Fact]
    public void Single_byte_mutations_of_a_signed_descriptor_never_throw()
    {
        var random = new Random(6_4);
        var json = Encoding.UTF8.GetBytes(DescriptorFixture.Json(_fixture.Fields()));
        for (var i = 0; i < Cases; i++)
        {
            var mutated = Mutate(json, random, out _, out _, out _);
            var result = DescriptorFixture.Verify(DescriptorFixture.SignRaw(mutated, _fixture.Keys), [_fixture.Fingerprint]);
            if (result.IsValid)
            {
                AssertSignerAgrees(result.Descriptor);
            }
            else
            {
                AssertRefused(result);
            }
        }
    }

    [Fact]
    public void Single_byte_mutations_of_a_signed_document_verify_only_when_they_hit_whitespace_between_tokens()
    {
        var (body, signature) = DescriptorFixture.Split(_fixture.Signed());
        byte[][] documents =
        [
            _fixture.Signed(),
            Encoding.UTF8.GetBytes($" {{ \"descriptor\" :\t\"{body}\" ,\r\n  \"signature\" : \"{signature}\"\n}}\n"),
        ];

        var random = new Random(6_5);
        var cases = 0;
        var verified = 0;
        foreach (var document in documents)
        {
            var inString = InString(document);
            for (var round = 0; cases < Cases * (Array.IndexOf(documents, document) + 1); round++)
            {
                var mutated = Mutate(document, random, out var kind, out var at, out var value);
                cases++;
                var result = DescriptorFixture.Verify(mutated, [_fixture.Fingerprint]);
                if (!result.IsValid)
                {
                    AssertRefused(result);
                    continue;
                }

                verified++;
                Assert.Equal((body, signature), DescriptorFixture.Split(mutated));
                switch (kind)
                {
                    case MutationKind.Replace:
                        Assert.True(IsWhitespace(document[at]) && IsWhitespace(value) && !inString[at], $"replace at {at}");
                        break;
                    case MutationKind.Delete:
                        Assert.True(IsWhitespace(document[at]) && !inString[at], $"delete at {at}");
                        break;
                    case MutationKind.Insert:
                        Assert.True(IsWhitespace(value) && (at == 0 || at == document.Length || !inString[at - 1] || !inString[at] || document[at - 1] == (byte)'"' && document[at] == (byte)','), $"insert at {at}");
                        break;
                }
            }
        }

        Assert.True(cases >= 2 * Cases);
        Assert.True(verified > 0, "no mutation hit whitespace: the test would prove nothing");
    }

    [Fact]
    public void Txt_noise_never_throws_and_only_yields_fingerprints_it_was_given()
    {
        var random = new Random(6_6);
        var known = new[] { _fixture.Fingerprint, Bytes32.Random() };
        string[] tokens =
        [
            "v=tern1", "v=tern2", "v", "=", ";", " ", "\t", "fp=", "fp", known[0].ToString(), known[1].ToString(), $"; fp={known[0]}",
            $";fp={known[1]} ", "x=y", "AAAA", "\u00e9", "\0", "\"", "FP=",
        ];
        var text = new StringBuilder();
        var valid = 0;
        for (var i = 0; i < Cases; i++)
        {
            text.Clear().Append(random.Next(2) == 0 ? "v=tern1" : "");
            var count = random.Next(0, 12);
            for (var t = 0; t < count; t++)
            {
                text.Append(tokens[random.Next(tokens.Length)]);
            }

            var parsed = TernDnsRecords.ParseTxtValue(text.ToString());
            AssertWellFormed(parsed);
            if (parsed.IsValid)
            {
                valid++;
                Assert.All(parsed.Fingerprints, fp => Assert.Contains(fp, known));
            }
        }

        Assert.True(valid > 0);
    }

    [Fact]
    public void Txt_format_then_parse_is_the_identity()
    {
        var fingerprints = ArbMap.Default.ArbFor<byte[]>().Generator
            .Select(seed => new Bytes32(seed.Concat(new byte[32]).Take(32).ToArray()))
            .NonEmptyListOf()
            .Select(list => list.ToArray());

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1_000), Prop.ForAll(Arb.From(fingerprints), list =>
            TernDnsRecords.ParseTxtValue(TernDnsRecords.FormatTxtValue(list)).Fingerprints.SequenceEqual(list)));
    }

    [Fact]
    public void Canonical_base64url_has_exactly_one_text_per_byte_string()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases), Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            var text = Base64Url.EncodeToString(bytes);
            var decoded = new byte[bytes.Length];
            return CanonicalBase64Url.TryDecode(text, decoded, out var written) && written == bytes.Length && decoded.SequenceEqual(bytes);
        }));

        var random = new Random(6_7);
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ ";
        var buffer = new byte[64];
        for (var i = 0; i < Cases; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
            if (CanonicalBase64Url.TryDecode(text, buffer, out var written))
            {
                Assert.Equal(text, Base64Url.EncodeToString(buffer.AsSpan(0, written)));
            }
        }
    }

    private enum MutationKind
    {
        Replace,
        Delete,
        Insert,
    }

    private static readonly byte[] Interesting = [(byte)' ', (byte)'\t', (byte)'\n', (byte)'\r', (byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)',', (byte)':', 0, 0x80, 0xFF, (byte)'A', (byte)'-', (byte)'='];

    private static byte[] Mutate(byte[] source, Random random, out MutationKind kind, out int at, out byte value)
    {
        kind = (MutationKind)random.Next(3);
        value = random.Next(2) == 0 ? Interesting[random.Next(Interesting.Length)] : (byte)random.Next(256);
        switch (kind)
        {
            case MutationKind.Replace:
                at = random.Next(source.Length);
                if (source[at] == value)
                {
                    value ^= 0x01;
                }

                var replaced = (byte[])source.Clone();
                replaced[at] = value;
                return replaced;
            case MutationKind.Delete:
                at = random.Next(source.Length);
                return [.. source[..at], .. source[(at + 1)..]];
            default:
                at = random.Next(source.Length + 1);
                return [.. source[..at], value, .. source[at..]];
        }
    }

    /// <summary>Which bytes lie inside a string literal, quotes included (the documents here contain no escapes).</summary>
    private static bool[] InString(byte[] document)
    {
        var inside = new bool[document.Length];
        var open = false;
        for (var i = 0; i < document.Length; i++)
        {
            if (document[i] == (byte)'"')
            {
                inside[i] = true;
                open = !open;
                continue;
            }

            inside[i] = open;
        }

        return inside;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    private static void AssertRefused(DescriptorVerification result)
    {
        Assert.False(result.IsValid);
        Assert.NotEqual(DescriptorFailure.None, result.Failure);
        Assert.True(Enum.IsDefined(result.Failure));
        Assert.False(string.IsNullOrEmpty(result.Detail));
        Assert.Null(result.Descriptor);
    }

    private static void AssertWellFormed(TxtRecordParse parsed)
    {
        Assert.True(Enum.IsDefined(parsed.Failure));
        Assert.Equal(parsed.Failure == TxtRecordFailure.None, parsed.IsValid);
        Assert.Equal(parsed.IsValid, parsed.Fingerprints.Count > 0);
        Assert.Equal(parsed.IsValid, parsed.Detail is null);
    }

    private void AssertSignerAgrees(DomainDescriptor descriptor)
    {
        // Whatever the verifier accepts, the signer must accept and re-sign into a document that verifies the same.
        var again = DescriptorFixture.Verify(SignedDescriptor.Sign(descriptor, _fixture.Keys), [_fixture.Fingerprint]);
        Assert.True(again.IsValid, again.ToString());
        Assert.Equal(descriptor.Domain, again.Descriptor.Domain);
        Assert.Equal(descriptor.ExpiresAt, again.Descriptor.ExpiresAt);
        Assert.Equal(descriptor.Notify, again.Descriptor.Notify);
    }
}
