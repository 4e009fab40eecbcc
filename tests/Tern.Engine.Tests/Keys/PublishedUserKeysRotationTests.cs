using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Engine.Tests.Keys;

/// <summary>
/// Users' key records across a domain key rotation (docs/PROTOCOL.md §16.4): at <c>rotates_at</c> every published bundle is
/// re-signed with the new domain signing key, keeping every field but the signer (fingerprints, validity, revocations); a
/// bundle about to change is re-signed first, so none mixes two signers; a store reopened after a crash part-way finishes.
/// </summary>
public sealed class PublishedUserKeysRotationTests : IDisposable
{
    private const string Alice = "alice@b.example";
    private const string Bob = "bob@b.example";
    private const string Carol = "carol@b.example";
    private readonly TempDirectory _directory = new("user-keys-rotation");
    private readonly DomainKeySet _old = DomainKeySet.Generate("b.example");
    private readonly DomainKeySet _new = DomainKeySet.Generate("b.example");

    public void Dispose()
    {
        _old.Dispose();
        _new.Dispose();
        _directory.Dispose();
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public void At_a_rotation_every_bundle_is_re_signed_with_the_new_key_and_keeps_its_fingerprints_validity_and_revocations()
    {
        var published = new PublishedUserKeys(_directory.Path, _old);
        var alice = published.Publish(Alice, Bytes32.Random(), Bytes32.Random(), escrow: false, TimeSpan.FromDays(30));
        var bobFirst = published.Publish(Bob, Bytes32.Random(), Bytes32.Random(), escrow: true, TimeSpan.FromDays(30));
        var bob = published.Rotate(Bob, Bytes32.Random(), Bytes32.Random(), escrow: true, TimeSpan.FromDays(30));
        published.Publish(Carol, Bytes32.Random(), Bytes32.Random(), escrow: false, TimeSpan.FromDays(30));
        var before = new[] { Alice, Bob, Carol }.ToDictionary(a => a, a => Parse(published.BundleOf(a)!));

        published.UseKeys(_new);
        Assert.Equal(new Bytes32(_new.SigningPublicKey), published.DomainSigningKey);
        Assert.Equal(3, published.SignedWithOtherKey());
        Assert.Equal(3, published.ResignAll());
        Assert.Equal(0, published.SignedWithOtherKey());
        Assert.Equal(0, published.ResignAll());

        foreach (var (address, old) in before)
        {
            var bytes = published.BundleOf(address)!;
            var resigned = Parse(bytes);
            // What is served is what is on disk, and every entry is now the new key's.
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(_directory.Path, UserAddress.Hash(address) + ".bundle")));
            Assert.All(resigned.Records, r => Assert.Equal(new Bytes32(_new.SigningPublicKey), r.DomainSigningKey));
            Assert.All(resigned.Revocations, r => Assert.Equal(new Bytes32(_new.SigningPublicKey), r.DomainSigningKey));
            // Every field but the signer is kept, in the same order.
            Assert.Equal(old.Records.Select(r => r with { DomainSigningKey = default }), resigned.Records.Select(r => r with { DomainSigningKey = default }));
            Assert.Equal(old.Revocations.Select(r => r with { DomainSigningKey = default }), resigned.Revocations.Select(r => r with { DomainSigningKey = default }));
            // A client holding the rotated descriptor sees the same current fingerprint: nothing for a canary to alarm on.
            Assert.Equal(UserKeyVerdict.Valid, resigned.Current(new Bytes32(_new.SigningPublicKey), address, Now, out var current));
            Assert.Equal(UserKeyVerdict.Valid, old.Current(new Bytes32(_old.SigningPublicKey), address, Now, out var was));
            Assert.Equal(was.Fingerprint, current.Fingerprint);
            // Under the old key nothing verifies any more: the records really were signed again.
            Assert.Equal(UserKeyVerdict.WrongDomainKey, resigned.Current(new Bytes32(_old.SigningPublicKey), address, Now, out _));
        }

        Assert.Equal(alice.Fingerprint, published.Current(Alice)!.Value.Fingerprint);
        Assert.Equal(bob.Fingerprint, published.Current(Bob)!.Value.Fingerprint);
        var bobRecords = Parse(published.BundleOf(Bob)!);
        var revoked = Assert.Single(bobRecords.Records, r => r.Fingerprint == bobFirst.Fingerprint);
        Assert.Equal(UserKeyVerdict.Revoked, revoked.Check(new Bytes32(_new.SigningPublicKey), Bob, Now, bobRecords.Revocations));
    }

    [Fact]
    public void A_change_to_a_bundle_not_yet_re_signed_re_signs_it_first_so_no_bundle_mixes_two_signers()
    {
        var published = new PublishedUserKeys(_directory.Path, _old);
        var first = published.Publish(Alice, Bytes32.Random(), Bytes32.Random(), escrow: false, TimeSpan.FromDays(30));
        published.UseKeys(_new);

        // The user rotates before the background re-signing reaches the bundle: the revocation and the new record are the
        // new key's, and so is the old record they travel with.
        var rotated = published.Rotate(Alice, Bytes32.Random(), Bytes32.Random(), escrow: false, TimeSpan.FromDays(30));
        var bundle = Parse(rotated.Bundle);
        Assert.Equal(2, bundle.Records.Count);
        Assert.All(bundle.Records, r => Assert.Equal(new Bytes32(_new.SigningPublicKey), r.DomainSigningKey));
        Assert.Equal(first.Fingerprint, Assert.Single(bundle.Revocations).RevokedFingerprint);
        Assert.Equal(UserKeyVerdict.Valid, bundle.Current(new Bytes32(_new.SigningPublicKey), Alice, Now, out var current));
        Assert.Equal(rotated.Fingerprint, current.Fingerprint);
        Assert.Equal(0, published.ResignAll());
    }

    [Fact]
    public void A_store_reopened_after_a_re_signing_cut_short_serves_each_bundle_whole_and_finishes()
    {
        var published = new PublishedUserKeys(_directory.Path, _old);
        foreach (var address in new[] { Alice, Bob, Carol })
        {
            published.Publish(address, Bytes32.Random(), Bytes32.Random(), escrow: false, TimeSpan.FromDays(30));
        }

        // The new key reached one bundle (a read re-signs it) before the process died: the others are still the old key's.
        var cut = new PublishedUserKeys(_directory.Path, _new);
        Assert.NotNull(cut.Current(Bob));
        Assert.Equal(2, cut.SignedWithOtherKey());

        // Each bundle as served after the crash verifies whole under one of the two keys.
        var reopened = new PublishedUserKeys(_directory.Path, _new);
        foreach (var address in new[] { Alice, Bob, Carol })
        {
            var bundle = Parse(reopened.BundleOf(address)!);
            var signer = bundle.Records[0].DomainSigningKey;
            Assert.True(signer == new Bytes32(_old.SigningPublicKey) || signer == new Bytes32(_new.SigningPublicKey));
            Assert.Equal(UserKeyVerdict.Valid, bundle.Current(signer, address, Now, out _));
        }

        Assert.Equal(2, reopened.ResignAll());
        Assert.Equal(0, reopened.SignedWithOtherKey());
    }

    [Fact]
    public void Keys_of_another_domain_are_refused()
    {
        var published = new PublishedUserKeys(_directory.Path, _old);
        using var other = DomainKeySet.Generate("c.example");
        Assert.Throws<ArgumentException>(() => published.UseKeys(other));
        Assert.Equal(new Bytes32(_old.SigningPublicKey), published.DomainSigningKey);
    }

    private static UserKeyBundle Parse(byte[] bytes)
    {
        Assert.True(UserKeyBundle.TryParse(bytes, out var bundle, out var error, out _), error.ToString());
        return bundle!;
    }
}
