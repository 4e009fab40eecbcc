using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Engine.Tests.Protocol.UserKeys;

/// <summary>The lookup answer (docs/PROTOCOL.md §14.4) and which record a client uses (§14.5): rotation, revocation.</summary>
public sealed class UserKeyBundleTests : IDisposable
{
    private readonly UserKeyFixture _keys = new();

    public void Dispose() => _keys.Dispose();

    private Bytes32 DomainA => new(_keys.A.SigningPublicKey);

    [Fact]
    public void Rotation_serves_the_old_record_its_revocation_and_the_new_record_and_the_new_one_is_current()
    {
        var old = _keys.AliceRecord(notBefore: UserKeyFixture.Now - (30 * UserKeyFixture.Day));
        var rotated = old with { SigningKey = Bytes32.Random(), AgreementKey = Bytes32.Random(), CreatedAtMs = UserKeyFixture.Now - 10, NotBeforeMs = UserKeyFixture.Now - 10 };
        var revocation = new UserKeyRevocation(RevocationReason.Superseded, old.Fingerprint, rotated.Fingerprint, UserKeyFixture.Now - 10, DomainA, old.Address);
        var bytes = UserKeyBundle.Encode([UserKeyFixture.Signed(old, _keys.A), UserKeyFixture.Signed(revocation, _keys.A), UserKeyFixture.Signed(rotated, _keys.A)]);

        Assert.True(UserKeyBundle.TryParse(bytes, out var bundle, out var error, out var failed), $"{error} at {failed}");
        Assert.Equal([old, rotated], bundle!.Records);
        Assert.Equal([revocation], bundle.Revocations);
        Assert.Equal(UserKeyVerdict.Valid, bundle.Current(DomainA, old.Address, UserKeyFixture.Now, out var current));
        Assert.Equal(rotated, current);
        Assert.Equal(UserKeyVerdict.Revoked, old.Check(DomainA, old.Address, UserKeyFixture.Now, bundle.Revocations));
    }

    [Fact]
    public void A_revoked_record_alone_is_never_current()
    {
        var record = _keys.AliceRecord();
        var revocation = new UserKeyRevocation(RevocationReason.Compromised, record.Fingerprint, default, UserKeyFixture.Now, DomainA, record.Address);
        var bytes = UserKeyBundle.Encode([UserKeyFixture.Signed(revocation, _keys.A), UserKeyFixture.Signed(record, _keys.A)]);

        Assert.True(UserKeyBundle.TryParse(bytes, out var bundle, out _, out _));
        Assert.Equal(UserKeyVerdict.Revoked, bundle!.Current(DomainA, record.Address, UserKeyFixture.Now, out var current));
        Assert.Equal(record, current);
        Assert.Equal(UserKeyVerdict.WrongDomainKey, bundle.Current(new Bytes32(_keys.B.SigningPublicKey), record.Address, UserKeyFixture.Now, out _));
    }

    [Fact]
    public void Only_revocations_means_no_record()
    {
        var revocation = new UserKeyRevocation(RevocationReason.Retired, Bytes32.Random(), default, UserKeyFixture.Now, DomainA, "alice@a.example");
        Assert.True(UserKeyBundle.TryParse(UserKeyBundle.Encode([UserKeyFixture.Signed(revocation, _keys.A)]), out var bundle, out _, out _));

        Assert.Equal(UserKeyVerdict.NoRecord, bundle!.Current(DomainA, "alice@a.example", UserKeyFixture.Now, out _));
    }

    [Fact]
    public void Entries_of_two_addresses_or_two_signers_are_one_bundle_too_many()
    {
        var alice = _keys.AliceRecord();
        var bob = alice with { Address = "bob@a.example" };
        var bytes = UserKeyBundle.Encode([UserKeyFixture.Signed(alice, _keys.A), UserKeyFixture.Signed(bob, _keys.A)]);

        Assert.False(UserKeyBundle.TryParse(bytes, out var bundle, out var error, out var failed));
        Assert.Null(bundle);
        Assert.Equal(UserKeyError.MixedBundle, error);
        Assert.Equal(-1, failed);
    }

    [Fact]
    public void A_bad_entry_names_its_index_and_the_framing_is_strict()
    {
        var good = UserKeyFixture.Signed(_keys.AliceRecord(), _keys.A);
        var bad = good.ToArray();
        bad[^1] ^= 1;

        Assert.False(UserKeyBundle.TryParse(UserKeyBundle.Encode([good, bad]), out _, out var error, out var failed));
        Assert.Equal((UserKeyError.BadSignature, 1), (error, failed));

        var bytes = UserKeyBundle.Encode([good]);
        Assert.False(UserKeyBundle.TryParse([.. bytes, 0], out _, out error, out _));
        Assert.Equal(UserKeyError.TrailingBytes, error);
        Assert.False(UserKeyBundle.TryParse(bytes.AsSpan(0, bytes.Length - 1), out _, out error, out _));
        Assert.Equal(UserKeyError.Truncated, error);
        bytes[0] = 0;
        Assert.False(UserKeyBundle.TryParse(bytes, out _, out error, out _));
        Assert.Equal(UserKeyError.BadCount, error);
        bytes[0] = 17;
        Assert.False(UserKeyBundle.TryParse(bytes, out _, out error, out _));
        Assert.Equal(UserKeyError.BadCount, error);
    }

    [Fact]
    public void Address_hash_is_the_keyed_hash_of_the_normalized_address()
    {
        var expected = new byte[32];
        Tern.Engine.Crypto.Blake2b.Hash("alice@a.example"u8, expected, "tern/v1/user-address"u8);

        Assert.Equal(expected, UserAddress.Hash("Alice@A.example").ToArray());
        Assert.Throws<ArgumentException>(() => UserAddress.Hash("alice"));
        Assert.Throws<ArgumentException>(() => UserAddress.Hash(".alice@a.example"));
        Assert.Throws<ArgumentException>(() => UserAddress.Hash(new string('a', 65) + "@a.example"));
        Assert.True(UserAddress.IsValid("a.b_c-d+e@x.example"u8));
        Assert.False(UserAddress.IsValid("a@b@c.example"u8));
    }
}
