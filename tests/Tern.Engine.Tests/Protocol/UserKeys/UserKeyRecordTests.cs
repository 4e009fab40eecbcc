using System.Buffers.Binary;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Engine.Tests.Protocol.UserKeys;

/// <summary>The user key record and its revocation (docs/PROTOCOL.md §14.2–14.3): layout, every refusal, hostile bytes.</summary>
public sealed class UserKeyRecordTests : IDisposable
{
    private readonly UserKeyFixture _keys = new();

    public void Dispose() => _keys.Dispose();

    [Fact]
    public void Signed_record_parses_back_to_the_same_fields()
    {
        var record = _keys.AliceRecord(flags: UserKeyFlags.Escrow);
        var bytes = UserKeyFixture.Signed(record, _keys.A);

        Assert.True(UserKeyRecord.TryParse(bytes, out var parsed, out var error), error.ToString());
        Assert.Equal(record, parsed);
        Assert.Equal(UserKeyVerdict.Valid, parsed.Check(new Bytes32(_keys.A.SigningPublicKey), "alice@a.example", UserKeyFixture.Now, []));
    }

    [Fact]
    public void Layout_is_exactly_section_14_2()
    {
        var record = _keys.AliceRecord();
        var bytes = UserKeyFixture.Signed(record, _keys.A);

        Assert.Equal([1, 1, 1, 0], bytes[..4]);
        Assert.Equal(record.SigningKey.ToArray(), bytes[4..36]);
        Assert.Equal(record.AgreementKey.ToArray(), bytes[36..68]);
        Assert.Equal(record.CreatedAtMs, BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(68)));
        Assert.Equal(record.NotBeforeMs, BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(76)));
        Assert.Equal(record.NotAfterMs, BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(84)));
        Assert.Equal(_keys.A.SigningPublicKey.ToArray(), bytes[92..124]);
        Assert.Equal("\u000falice@a.example"u8.ToArray(), bytes[124..140]);
        Assert.True(Ed25519.Verify(_keys.A.SigningPublicKey, [.. "tern/v1/user-key\n"u8, .. bytes.AsSpan(0, 140)], bytes.AsSpan(140)));
        Assert.Equal(204, bytes.Length);
    }

    [Fact]
    public void Fingerprint_is_the_keyed_hash_of_both_keys()
    {
        var record = _keys.AliceRecord();
        var expected = new byte[32];
        Blake2b.Hash([.. record.SigningKey.ToArray(), .. record.AgreementKey.ToArray()], expected, "tern/v1/user-key-fingerprint"u8);

        Assert.Equal(expected, record.Fingerprint.ToArray());
    }

    [Theory]
    [InlineData(0, 2, UserKeyError.UnknownVersion)]
    [InlineData(1, 3, UserKeyError.UnknownKind)]
    [InlineData(2, 2, UserKeyError.UnknownAlgorithm)]
    [InlineData(3, 2, UserKeyError.ReservedFlags)]
    [InlineData(3, 0x80, UserKeyError.ReservedFlags)]
    [InlineData(68, 0x80, UserKeyError.ValueOutOfRange)]
    [InlineData(84, 0x80, UserKeyError.ValueOutOfRange)]
    [InlineData(130, (byte)'A', UserKeyError.BadAddress)]
    [InlineData(124, 16, UserKeyError.TrailingBytes)]
    [InlineData(124, 100, UserKeyError.Truncated)]
    [InlineData(5, 0, UserKeyError.BadSignature)]
    [InlineData(140, 0, UserKeyError.BadSignature)]
    public void Each_broken_rule_is_refused_with_its_reason(int offset, byte value, UserKeyError expected)
    {
        var bytes = UserKeyFixture.Signed(_keys.AliceRecord(), _keys.A);
        bytes[offset] = value == 0 ? (byte)(bytes[offset] ^ 1) : value;
        if (expected == UserKeyError.TrailingBytes)
        {
            bytes[124] = 14; // the address one byte shorter leaves one byte past the signature
        }

        Assert.False(UserKeyRecord.TryParse(bytes, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Validity_must_not_be_empty()
    {
        var record = _keys.AliceRecord() with { NotAfterMs = UserKeyFixture.Now };
        Assert.Throws<InvalidOperationException>(() => UserKeyFixture.Signed(record with { NotBeforeMs = UserKeyFixture.Now }, _keys.A));

        var bytes = UserKeyFixture.Signed(record, _keys.A);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(84), record.NotBeforeMs);
        Assert.False(UserKeyRecord.TryParse(bytes, out _, out var error));
        Assert.Equal(UserKeyError.EmptyValidity, error);
    }

    [Fact]
    public void A_domain_signs_only_its_own_users_with_its_own_key()
    {
        var record = _keys.AliceRecord();
        Assert.Throws<ArgumentException>(() => UserKeyFixture.Signed(record, _keys.B));
        Assert.Throws<ArgumentException>(() => UserKeyFixture.Signed(record with { DomainSigningKey = new Bytes32(_keys.B.SigningPublicKey), Address = "alice@a.example" }, _keys.B));
        Assert.Throws<InvalidOperationException>(() => UserKeyFixture.Signed(record with { Address = "Alice@a.example" }, _keys.A));
    }

    [Fact]
    public void Check_refuses_the_wrong_domain_key_address_time_and_a_revocation()
    {
        var record = _keys.AliceRecord(notBefore: UserKeyFixture.Now, notAfter: UserKeyFixture.Now + UserKeyFixture.Day);
        var domainKey = new Bytes32(_keys.A.SigningPublicKey);
        var revocation = new UserKeyRevocation(RevocationReason.Compromised, record.Fingerprint, default, UserKeyFixture.Now, domainKey, record.Address);

        Assert.Equal(UserKeyVerdict.WrongDomainKey, record.Check(new Bytes32(_keys.B.SigningPublicKey), record.Address, UserKeyFixture.Now, []));
        Assert.Equal(UserKeyVerdict.WrongAddress, record.Check(domainKey, "bob@a.example", UserKeyFixture.Now, []));
        Assert.Equal(UserKeyVerdict.NotYetValid, record.Check(domainKey, record.Address, UserKeyFixture.Now - 1, []));
        Assert.Equal(UserKeyVerdict.Expired, record.Check(domainKey, record.Address, UserKeyFixture.Now + UserKeyFixture.Day, []));
        Assert.Equal(UserKeyVerdict.Valid, record.Check(domainKey, record.Address, UserKeyFixture.Now + UserKeyFixture.Day - 1, []));
        Assert.Equal(UserKeyVerdict.Revoked, record.Check(domainKey, record.Address, UserKeyFixture.Now, [revocation]));

        // Only the address's own domain revokes: the same statement under another key, or for another address, is nothing.
        Assert.Equal(UserKeyVerdict.Valid, record.Check(domainKey, record.Address, UserKeyFixture.Now, [revocation with { DomainSigningKey = new Bytes32(_keys.B.SigningPublicKey) }]));
        Assert.Equal(UserKeyVerdict.Valid, record.Check(domainKey, record.Address, UserKeyFixture.Now, [revocation with { Address = "bob@a.example" }]));
    }

    [Fact]
    public void Revocation_round_trips_and_refuses_an_unknown_reason()
    {
        var record = _keys.AliceRecord();
        var revocation = new UserKeyRevocation(RevocationReason.Superseded, record.Fingerprint, Bytes32.Random(), UserKeyFixture.Now, new Bytes32(_keys.A.SigningPublicKey), record.Address);
        var bytes = UserKeyFixture.Signed(revocation, _keys.A);

        Assert.True(UserKeyRevocation.TryParse(bytes, out var parsed, out var error), error.ToString());
        Assert.Equal(revocation, parsed);
        Assert.Equal([1, 2, 1], bytes[..3]);
        Assert.True(Ed25519.Verify(_keys.A.SigningPublicKey, [.. "tern/v1/user-key-revocation\n"u8, .. bytes.AsSpan(0, bytes.Length - 64)], bytes.AsSpan(bytes.Length - 64)));

        bytes[2] = 4;
        Assert.False(UserKeyRevocation.TryParse(bytes, out _, out error));
        Assert.Equal(UserKeyError.UnknownReason, error);

        // A record is not a revocation, nor the reverse, even though both are signed by the same domain.
        // (A revocation is shorter than the smallest record, so the length check refuses it first.)
        Assert.False(UserKeyRecord.TryParse(UserKeyFixture.Signed(revocation, _keys.A), out _, out error));
        Assert.Equal(UserKeyError.Truncated, error);
        var padded = UserKeyFixture.Signed(revocation with { Address = "alice.with.a.longer.name@a.example" }, _keys.A);
        Assert.False(UserKeyRecord.TryParse(padded, out _, out error));
        Assert.Equal(UserKeyError.UnknownKind, error);
        Assert.False(UserKeyRevocation.TryParse(UserKeyFixture.Signed(record, _keys.A), out _, out error));
        Assert.Equal(UserKeyError.UnknownKind, error);
    }

    [Fact]
    public void Every_prefix_is_truncated_and_every_flipped_bit_refused()
    {
        var bytes = UserKeyFixture.Signed(_keys.AliceRecord(), _keys.A);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(UserKeyRecord.TryParse(bytes.AsSpan(0, length), out _, out var error));
            Assert.True(error is UserKeyError.Truncated or UserKeyError.TrailingBytes or UserKeyError.BadSignature, $"{length}: {error}");
        }

        for (var bit = 0; bit < bytes.Length * 8; bit++)
        {
            var flipped = bytes.ToArray();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            var ok = UserKeyRecord.TryParse(flipped, out _, out var error);
            // The escrow flag is bit 0 of byte 3: flipping it is a different record, so the signature fails.
            Assert.False(ok, $"bit {bit} flipped still parses");
            Assert.NotEqual(UserKeyError.None, error);
        }
    }

    [Fact]
    public void Random_and_mutated_input_never_throws_and_true_means_none()
    {
        var random = new Random(15);
        var record = UserKeyFixture.Signed(_keys.AliceRecord(), _keys.A);
        var revocation = UserKeyFixture.Signed(new UserKeyRevocation(RevocationReason.Retired, Bytes32.Random(), default, 1, new Bytes32(_keys.A.SigningPublicKey), "alice@a.example"), _keys.A);
        for (var i = 0; i < 5000; i++)
        {
            var input = (i % 3) switch
            {
                0 => RandomBytes(random, random.Next(0, 400)),
                1 => Mutate(random, record),
                _ => Mutate(random, revocation),
            };

            Assert.Equal(UserKeyRecord.TryParse(input, out _, out var error), error == UserKeyError.None);
            Assert.Equal(UserKeyRevocation.TryParse(input, out _, out error), error == UserKeyError.None);
            Assert.Equal(UserKeyBundle.TryParse(input, out var bundle, out error, out _), error == UserKeyError.None);
            Assert.Equal(bundle is not null, error == UserKeyError.None);
        }
    }

    internal static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    internal static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = original.ToArray();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }

        return random.Next(4) == 0 ? bytes[..random.Next(bytes.Length)] : bytes;
    }
}
