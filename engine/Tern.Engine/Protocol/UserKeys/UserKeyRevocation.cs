using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol.UserKeys;

/// <summary>
/// A domain's signed statement that one of its user's key records is revoked from <see cref="RevokedAtMs"/> on
/// (docs/PROTOCOL.md §14.3). Rotation is a revocation naming the new record's fingerprint as
/// <see cref="ReplacementFingerprint"/>, published with the new record; both are timestamped, so the change can be
/// audited and correspondents' fingerprint caches notice it.
/// </summary>
/// <param name="Reason">Why (informational).</param>
/// <param name="RevokedFingerprint">The fingerprint of the revoked record's keys (§14.2).</param>
/// <param name="ReplacementFingerprint">The fingerprint of the record that replaces it; all zero when none does.</param>
/// <param name="RevokedAtMs">When the revocation was made, ms since the epoch.</param>
/// <param name="DomainSigningKey">The Ed25519 key of the address's domain that signed it.</param>
/// <param name="Address">The user's address.</param>
public readonly record struct UserKeyRevocation(
    RevocationReason Reason,
    Bytes32 RevokedFingerprint,
    Bytes32 ReplacementFingerprint,
    long RevokedAtMs,
    Bytes32 DomainSigningKey,
    string Address)
{
    /// <summary>The kind byte of a revocation.</summary>
    public const byte Kind = 2;

    /// <summary>Bytes before <c>address</c>.</summary>
    public const int FixedSize = 3 + 32 + 32 + 8 + 32;

    /// <summary>Smallest revocation: a three-byte address.</summary>
    public const int MinSize = FixedSize + 1 + 3 + Ed25519.SignatureSize;

    /// <summary>Largest revocation.</summary>
    public const int MaxSize = FixedSize + 1 + UserAddress.MaxLength + Ed25519.SignatureSize;

    /// <summary>The context label of the domain's signature (§2.7).</summary>
    public static ReadOnlySpan<byte> SignatureContext => "tern/v1/user-key-revocation\n"u8;

    /// <summary>Length of the signed revocation.</summary>
    public int EncodedLength => FixedSize + 1 + (Address?.Length ?? 0) + Ed25519.SignatureSize;

    /// <summary>Writes the revocation signed by <paramref name="domainKeys"/> and returns its length (§14.3).</summary>
    public int Sign(IDomainKeys domainKeys, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(domainKeys);
        UserKeyRecord.CheckSigner(domainKeys, DomainSigningKey, Address);
        if (Reason > RevocationReason.Retired || RevokedAtMs < 0)
        {
            throw new InvalidOperationException("A revocation needs a defined reason and a non-negative time (docs/PROTOCOL.md §14.3).");
        }

        var length = EncodedLength;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, length, nameof(destination));
        destination[0] = UserKeyRecord.Version;
        destination[1] = Kind;
        destination[2] = (byte)Reason;
        RevokedFingerprint.CopyTo(destination[3..]);
        ReplacementFingerprint.CopyTo(destination[35..]);
        BinaryPrimitives.WriteInt64BigEndian(destination[67..], RevokedAtMs);
        DomainSigningKey.CopyTo(destination[75..]);
        var offset = FixedSize;
        WireFields.WriteShortString(destination, ref offset, Address);
        Span<byte> signed = stackalloc byte[SignatureContext.Length + MaxSize];
        domainKeys.Sign(WireFields.Signed(signed, SignatureContext, destination[..offset]), destination.Slice(offset, Ed25519.SignatureSize));
        return length;
    }

    /// <summary>Parses a revocation and verifies its signature under the embedded domain key (§14.3). Never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> source, out UserKeyRevocation revocation, out UserKeyError error)
    {
        revocation = default;
        error = Validate(source, out var address);
        if (error != UserKeyError.None)
        {
            return false;
        }

        revocation = new UserKeyRevocation(
            (RevocationReason)source[2],
            new Bytes32(source[3..]),
            new Bytes32(source[35..]),
            BinaryPrimitives.ReadInt64BigEndian(source[67..]),
            new Bytes32(source[75..]),
            Encoding.ASCII.GetString(address));
        return true;
    }

    private static UserKeyError Validate(ReadOnlySpan<byte> source, out ReadOnlySpan<byte> address)
    {
        address = default;
        if (source.Length < MinSize)
        {
            return UserKeyError.Truncated;
        }

        if (source[0] != UserKeyRecord.Version)
        {
            return UserKeyError.UnknownVersion;
        }

        if (source[1] != Kind)
        {
            return UserKeyError.UnknownKind;
        }

        if (source[2] > (byte)RevocationReason.Retired)
        {
            return UserKeyError.UnknownReason;
        }

        var offset = FixedSize;
        if (!WireFields.TryReadShortString(source, ref offset, out address) || source.Length - offset < Ed25519.SignatureSize)
        {
            return UserKeyError.Truncated;
        }

        if (source.Length - offset > Ed25519.SignatureSize)
        {
            return UserKeyError.TrailingBytes;
        }

        if (BinaryPrimitives.ReadInt64BigEndian(source[67..]) < 0)
        {
            return UserKeyError.ValueOutOfRange;
        }

        if (!UserAddress.IsValid(address))
        {
            return UserKeyError.BadAddress;
        }

        Span<byte> signed = stackalloc byte[SignatureContext.Length + MaxSize];
        return Ed25519.Verify(source.Slice(75, 32), WireFields.Signed(signed, SignatureContext, source[..offset]), source[offset..])
            ? UserKeyError.None
            : UserKeyError.BadSignature;
    }
}
