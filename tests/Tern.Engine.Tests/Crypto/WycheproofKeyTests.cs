using NSec.Cryptography;
using Ed25519 = Tern.Engine.Crypto.Ed25519;
using X25519 = Tern.Engine.Crypto.X25519;

namespace Tern.Engine.Tests.Crypto;

/// <summary>Every Wycheproof X25519 and Ed25519 vector through Tern's wrappers (NSec keys; the agreement on spans) and NSec's own agreement.</summary>
public class WycheproofKeyTests
{
    // Valid and "acceptable" (twist points, non-canonical and low-order public keys): libsodium computes every shared
    // secret but the all-zero one a low-order key gives, which it refuses; Tern treats that refusal as hostile input.
    [Fact]
    public void X25519_vectors_pass()
    {
        var refused = 0;
        foreach (var v in WycheproofCase.Load("x25519_test.json"))
        {
            var expected = v.Hex("shared");
            var zero = expected.AsSpan().IndexOfAnyExcept((byte)0) < 0;
            using var own = X25519.ImportSecret(v.Hex("private"), exportable: true);
            var shared = new byte[X25519.SharedSecretSize];

            Assert.True(X25519.TryAgree(own, v.Hex("public"), shared) == !zero, v.ToString());
            Assert.True(zero || shared.AsSpan().SequenceEqual(expected), v.ToString());

            var peer = PublicKey.Import(KeyAgreementAlgorithm.X25519, v.Hex("public"), KeyBlobFormat.RawPublicKey);
            using var nsec = KeyAgreementAlgorithm.X25519.Agree(own, peer, new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
            Assert.True((nsec is null) == zero, $"NSec, {v}");
            Assert.True(zero || nsec!.Export(SharedSecretBlobFormat.RawSharedSecret).AsSpan().SequenceEqual(expected), $"NSec, {v}");
            refused += zero ? 1 : 0;
        }

        Assert.Equal(31, refused);
    }

    [Fact]
    public void Ed25519_vectors_pass()
    {
        var valid = 0;
        foreach (var v in WycheproofCase.Load("ed25519_test.json"))
        {
            var publicKey = Convert.FromHexString(v.Group["publicKey"]!["pk"]!.GetValue<string>());
            Assert.True(Ed25519.Verify(publicKey, v.Hex("msg"), v.Hex("sig")) == v.Valid, v.ToString());
            valid += v.Valid ? 1 : 0;
        }

        Assert.Equal(88, valid);
    }
}
