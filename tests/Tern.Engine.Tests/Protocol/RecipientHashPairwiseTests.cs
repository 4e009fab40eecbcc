using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Tests.Protocol.UserKeys;

namespace Tern.Engine.Tests.Protocol;

/// <summary>Phase 1 of the hash cascade (docs/PROTOCOL.md §5, form 0x03) and the introduction form (0x04).</summary>
public sealed class RecipientHashPairwiseTests
{
    private static readonly byte[] AliceSecret = UserKeyFixture.Run(0xc2);
    private static readonly byte[] BobSecret = UserKeyFixture.Run(0xd2);
    private static readonly byte[] CarolSecret = UserKeyFixture.Run(0xe2);

    private static byte[] Public(byte[] secret)
    {
        var key = new byte[32];
        X25519.PublicKeyFromSecret(secret, key);
        return key;
    }

    [Fact]
    public void Sender_and_recipient_derive_the_same_hash_from_their_own_secrets()
    {
        Assert.True(RecipientHashDerivation.TryPairwise(AliceSecret, Public(AliceSecret), Public(BobSecret), "b.example", out var fromAlice));
        using var bobKey = X25519.ImportSecret(BobSecret, exportable: true);
        Assert.True(RecipientHashDerivation.TryPairwise(bobKey, Public(AliceSecret), Public(BobSecret), "B.Example", out var fromBob));

        Assert.Equal(fromAlice, fromBob);
    }

    [Fact]
    public void The_hash_is_the_spec_formula()
    {
        var shared = new byte[32];
        Assert.True(X25519.TryAgree(AliceSecret, Public(BobSecret), shared));
        byte[] message = [0x03, .. shared, .. Public(AliceSecret), .. Public(BobSecret), 9, .. "b.example"u8];
        var expected = new byte[32];
        Blake2b.Hash(message, expected, "tern/v1/recipient-address"u8);

        Assert.True(RecipientHashDerivation.TryPairwise(AliceSecret, Public(AliceSecret), Public(BobSecret), "b.example", out var hash));
        Assert.Equal(expected, hash.Value.ToArray());
    }

    [Fact]
    public void Direction_domain_and_pair_each_change_the_hash()
    {
        Assert.True(RecipientHashDerivation.TryPairwise(AliceSecret, Public(AliceSecret), Public(BobSecret), "b.example", out var aliceToBob));
        Assert.True(RecipientHashDerivation.TryPairwise(AliceSecret, Public(BobSecret), Public(AliceSecret), "b.example", out var bobToAlice));
        Assert.True(RecipientHashDerivation.TryPairwise(AliceSecret, Public(AliceSecret), Public(BobSecret), "c.example", out var otherDomain));
        Assert.True(RecipientHashDerivation.TryPairwise(CarolSecret, Public(CarolSecret), Public(BobSecret), "b.example", out var carolToBob));

        Assert.Equal(4, new[] { aliceToBob, bobToAlice, otherDomain, carolToBob }.Distinct().Count());
        Assert.NotEqual(RecipientHashDerivation.Introduction(Public(BobSecret), "b.example"), aliceToBob);
    }

    [Fact]
    public void A_low_order_peer_key_derives_nothing_and_a_stranger_secret_is_refused()
    {
        Assert.False(RecipientHashDerivation.TryPairwise(AliceSecret, Public(AliceSecret), new byte[32], "b.example", out _));
        Assert.Throws<ArgumentException>(() => RecipientHashDerivation.TryPairwise(CarolSecret, Public(AliceSecret), Public(BobSecret), "b.example", out _));
    }

    [Fact]
    public void Introduction_is_the_spec_formula()
    {
        byte[] message = [0x04, .. Public(BobSecret), 9, .. "b.example"u8];
        var expected = new byte[32];
        Blake2b.Hash(message, expected, "tern/v1/recipient-address"u8);

        Assert.Equal(expected, RecipientHashDerivation.Introduction(Public(BobSecret), "b.example").Value.ToArray());
    }
}
