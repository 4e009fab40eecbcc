using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Tests.Vectors;

/// <summary>rotation-verdicts.json: a descriptor in each state of a key rotation (docs/PROTOCOL.md §16), judged by the verifier.</summary>
public sealed partial class ProtocolVectorTests
{
    [Fact]
    public void Rotation_verdicts_are_what_the_verifier_decides_16()
    {
        var vector = VectorDocument.Load("rotation-verdicts.json");
        var domain = vector["domain"].Text();
        var verdicts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in vector["cases"].Array())
        {
            var name = entry!["name"].Text();
            var trusted = entry["trusted"].Array().Select(f => Bytes32.Parse(f.Text())).ToArray();
            var at = DateTimeOffset.FromUnixTimeSeconds(entry["verify_at"].Int64());

            var verified = SignedDescriptor.Verify(Encoding.UTF8.GetBytes(entry["document"].Text()), domain, at, trusted);

            var verdict = entry["verdict"].Text();
            verdicts.Add(verdict);
            Assert.True(verdict == (verified.IsValid ? "valid" : Snake(verified.Failure)), $"{name}: {verified}");
            if (verified.IsValid)
            {
                Assert.Equal(entry["seal_to"].Text(), verified.Descriptor.AgreementKeyAt(at).ToString());
                foreach (var key in new[] { vector["old_agreement_key"].Text(), vector["new_agreement_key"].Text() })
                {
                    var listed = entry["sender_keys_matched"].Array().Any(k => k.Text() == key);
                    Assert.True(listed == verified.Descriptor.NamesAgreementKey(Bytes32.Parse(key), at), $"{name}: {key}");
                }

                if (verified.Descriptor.RotationState != KeyRotationState.None)
                {
                    Assert.Equal(entry["statement_hex"].Hex(), KeyRotationStatement.Of(verified.Descriptor));
                    Assert.Equal(entry["statement_hex"].Hex(), StatementFromSpec(vector, verified.Descriptor));
                }
            }
        }

        Assert.Equal(["bad_rotation_signature", "fingerprint_mismatch", "invalid_field", "valid"], verdicts.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Rotation_vectors_name_the_keys_of_their_secrets()
    {
        var vector = VectorDocument.Load("rotation-verdicts.json");
        using var next = Tern.Engine.Keys.DomainKeySet.FromSecrets(vector["domain"].Text(), vector["next_signing_seed"].Hex(), vector["next_agreement_secret"].Hex(), DateTimeOffset.UnixEpoch);

        Assert.Equal(vector["new_signing_key"].Text(), new Bytes32(next.SigningPublicKey).ToString());
        Assert.Equal(vector["new_agreement_key"].Text(), new Bytes32(next.AgreementPublicKey).ToString());
        Assert.Equal(vector["new_fingerprint"].Text(), next.Fingerprint);
    }

    /// <summary>§16.2 written from the spec: label, short(domain), old keys, new keys, u64 rotates_at, u64 previous_until.</summary>
    private static byte[] StatementFromSpec(System.Text.Json.Nodes.JsonNode vector, DomainDescriptor d)
    {
        var bytes = new List<byte>();
        bytes.AddRange("tern/v1/key-rotation\n"u8.ToArray());
        bytes.Add((byte)d.Domain.Length);
        bytes.AddRange(Encoding.ASCII.GetBytes(d.Domain));
        foreach (var name in new[] { "old_signing_key", "old_agreement_key", "new_signing_key", "new_agreement_key" })
        {
            bytes.AddRange(vector[name].Base64UrlBytes());
        }

        var times = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(times, (ulong)vector["rotates_at"].Int64());
        BinaryPrimitives.WriteUInt64BigEndian(times.AsSpan(8), (ulong)vector["previous_until"].Int64());
        bytes.AddRange(times);
        Assert.Equal(vector["statement_context"].Text(), Encoding.ASCII.GetString(KeyRotationStatement.ContextLabel));
        Assert.Equal(Ed25519.SignatureSize, d.RotationSignature!.Value.Length);
        return [.. bytes];
    }
}
