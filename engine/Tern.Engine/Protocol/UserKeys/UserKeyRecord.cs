using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol.UserKeys;

/// <summary>
/// A user's public keys as their domain publishes them (docs/PROTOCOL.md §14.2): the Ed25519 key the user signs
/// envelopes with and the X25519 key recipient hashes and sealed envelopes are agreed with, the validity, the escrow
/// flag, and the domain's signature binding them to <see cref="Address"/>. Whether the record may be used — the domain
/// key is the descriptor's, the time inside the validity, no revocation — is <see cref="Check"/>'s verdict.
/// </summary>
/// <param name="Flags">Escrow (§14.2).</param>
/// <param name="SigningKey">The user's Ed25519 public key.</param>
/// <param name="AgreementKey">The user's X25519 public key.</param>
/// <param name="CreatedAtMs">When the domain signed the record, ms since the epoch.</param>
/// <param name="NotBeforeMs">Start of the validity, ms since the epoch.</param>
/// <param name="NotAfterMs">End of the validity (exclusive), ms since the epoch.</param>
/// <param name="DomainSigningKey">The Ed25519 key of the address's domain that signed the record.</param>
/// <param name="Address">The user's address, <c>local@domain</c>.</param>
public readonly record struct UserKeyRecord(
    UserKeyFlags Flags,
    Bytes32 SigningKey,
    Bytes32 AgreementKey,
    long CreatedAtMs,
    long NotBeforeMs,
    long NotAfterMs,
    Bytes32 DomainSigningKey,
    string Address)
{
    /// <summary>The format version.</summary>
    public const byte Version = 1;

    /// <summary>The kind byte of a key record.</summary>
    public const byte Kind = 1;

    /// <summary>The one algorithm of version 1: Ed25519 signing and X25519 agreement.</summary>
    public const byte Algorithm = 1;

    /// <summary>Bytes before <c>address</c>.</summary>
    public const int FixedSize = 4 + 32 + 32 + 8 + 8 + 8 + 32;

    /// <summary>Smallest record: a three-byte address (<c>a@b</c>).</summary>
    public const int MinSize = FixedSize + 1 + 3 + Ed25519.SignatureSize;

    /// <summary>Largest record.</summary>
    public const int MaxSize = FixedSize + 1 + UserAddress.MaxLength + Ed25519.SignatureSize;

    /// <summary>The context label of the domain's signature (§2.7).</summary>
    public static ReadOnlySpan<byte> SignatureContext => "tern/v1/user-key\n"u8;

    /// <summary>The context label of the key fingerprint (§14.2).</summary>
    public static ReadOnlySpan<byte> FingerprintContext => "tern/v1/user-key-fingerprint"u8;

    /// <summary>Length of the signed record.</summary>
    public int EncodedLength => FixedSize + 1 + (Address?.Length ?? 0) + Ed25519.SignatureSize;

    /// <summary>The fingerprint of the record's key pair (§14.2): what envelopes and revocations name it by.</summary>
    public Bytes32 Fingerprint => ComputeFingerprint(SigningKey, AgreementKey);

    /// <summary><c>H(key = "tern/v1/user-key-fingerprint", msg = signing_key || agreement_key)</c> (§14.2).</summary>
    public static Bytes32 ComputeFingerprint(Bytes32 signingKey, Bytes32 agreementKey)
    {
        Span<byte> keys = stackalloc byte[64];
        signingKey.CopyTo(keys);
        agreementKey.CopyTo(keys[32..]);
        Span<byte> hash = stackalloc byte[Blake2b.HashSize];
        Blake2b.Hash(keys, hash, FingerprintContext);
        return new Bytes32(hash);
    }

    /// <summary>
    /// Writes the record signed by <paramref name="domainKeys"/> and returns its length (§14.2). Throws when a field
    /// breaks §14.2 or the keys are not <see cref="DomainSigningKey"/> of the address's domain: a record that would
    /// not verify is never produced.
    /// </summary>
    public int Sign(IDomainKeys domainKeys, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(domainKeys);
        CheckSigner(domainKeys, DomainSigningKey, Address);
        if ((Flags & ~UserKeyFlags.Escrow) != 0 || CreatedAtMs < 0 || NotBeforeMs < 0 || NotAfterMs <= NotBeforeMs)
        {
            throw new InvalidOperationException("A user key record needs defined flags, non-negative times and not_after after not_before (docs/PROTOCOL.md §14.2).");
        }

        var length = EncodedLength;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, length, nameof(destination));
        destination[0] = Version;
        destination[1] = Kind;
        destination[2] = Algorithm;
        destination[3] = (byte)Flags;
        SigningKey.CopyTo(destination[4..]);
        AgreementKey.CopyTo(destination[36..]);
        BinaryPrimitives.WriteInt64BigEndian(destination[68..], CreatedAtMs);
        BinaryPrimitives.WriteInt64BigEndian(destination[76..], NotBeforeMs);
        BinaryPrimitives.WriteInt64BigEndian(destination[84..], NotAfterMs);
        DomainSigningKey.CopyTo(destination[92..]);
        var offset = FixedSize;
        WireFields.WriteShortString(destination, ref offset, Address);
        Span<byte> signed = stackalloc byte[SignatureContext.Length + MaxSize];
        domainKeys.Sign(WireFields.Signed(signed, SignatureContext, destination[..offset]), destination.Slice(offset, Ed25519.SignatureSize));
        return length;
    }

    /// <summary>
    /// Parses a record and verifies its signature under the embedded domain key (§14.2). Never throws; never reads
    /// past <paramref name="source"/>. The caller still judges it with <see cref="Check"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> source, out UserKeyRecord record, out UserKeyError error)
    {
        record = default;
        error = Validate(source, out var address);
        if (error != UserKeyError.None)
        {
            return false;
        }

        record = new UserKeyRecord(
            (UserKeyFlags)source[3],
            new Bytes32(source[4..]),
            new Bytes32(source[36..]),
            BinaryPrimitives.ReadInt64BigEndian(source[68..]),
            BinaryPrimitives.ReadInt64BigEndian(source[76..]),
            BinaryPrimitives.ReadInt64BigEndian(source[84..]),
            new Bytes32(source[92..]),
            Encoding.ASCII.GetString(address));
        return true;
    }

    /// <summary>
    /// Whether this record may be used at <paramref name="nowMs"/> for <paramref name="address"/>, whose domain signs
    /// with <paramref name="domainSigningKey"/> (from its verified descriptor), given the revocations the same answer
    /// carried (§14.5). Checks in the order of the verdicts.
    /// </summary>
    public UserKeyVerdict Check(Bytes32 domainSigningKey, string address, long nowMs, IEnumerable<UserKeyRevocation> revocations)
    {
        ArgumentNullException.ThrowIfNull(revocations);
        if (DomainSigningKey != domainSigningKey)
        {
            return UserKeyVerdict.WrongDomainKey;
        }

        if (!string.Equals(Address, address, StringComparison.Ordinal))
        {
            return UserKeyVerdict.WrongAddress;
        }

        if (nowMs < NotBeforeMs)
        {
            return UserKeyVerdict.NotYetValid;
        }

        if (nowMs >= NotAfterMs)
        {
            return UserKeyVerdict.Expired;
        }

        var fingerprint = Fingerprint;
        foreach (var revocation in revocations)
        {
            // Only the address's own domain may revoke its record; a revocation by anyone else means nothing.
            if (revocation.RevokedFingerprint == fingerprint && revocation.DomainSigningKey == domainSigningKey
                && string.Equals(revocation.Address, address, StringComparison.Ordinal))
            {
                return UserKeyVerdict.Revoked;
            }
        }

        return UserKeyVerdict.Valid;
    }

    /// <summary>Throws unless <paramref name="keys"/> sign for the domain of <paramref name="address"/> with <paramref name="signingKey"/>.</summary>
    internal static void CheckSigner(IDomainKeys keys, Bytes32 signingKey, string address)
    {
        if (address is null || address.Length > UserAddress.MaxLength || address.Any(c => c > 127) || !UserAddress.IsValid(Encoding.ASCII.GetBytes(address)))
        {
            throw new InvalidOperationException($"'{address}' is not a valid user address (docs/PROTOCOL.md §14.1).");
        }

        if (new Bytes32(keys.SigningPublicKey) != signingKey)
        {
            throw new ArgumentException("The key set's signing key is not the record's domain_signing_key.", nameof(keys));
        }

        if (!string.Equals(keys.Domain, UserAddress.DomainOf(address), StringComparison.Ordinal))
        {
            throw new ArgumentException($"The key set speaks for '{keys.Domain}', not the domain of '{address}'.", nameof(keys));
        }
    }

    /// <summary>Every check of §14.2 on the raw bytes, cheapest first, the signature last.</summary>
    private static UserKeyError Validate(ReadOnlySpan<byte> source, out ReadOnlySpan<byte> address)
    {
        address = default;
        if (source.Length < MinSize)
        {
            return UserKeyError.Truncated;
        }

        if (source[0] != Version)
        {
            return UserKeyError.UnknownVersion;
        }

        if (source[1] != Kind)
        {
            return UserKeyError.UnknownKind;
        }

        if (source[2] != Algorithm)
        {
            return UserKeyError.UnknownAlgorithm;
        }

        if ((source[3] & ~(byte)UserKeyFlags.Escrow) != 0)
        {
            return UserKeyError.ReservedFlags;
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

        var created = BinaryPrimitives.ReadInt64BigEndian(source[68..]);
        var notBefore = BinaryPrimitives.ReadInt64BigEndian(source[76..]);
        var notAfter = BinaryPrimitives.ReadInt64BigEndian(source[84..]);
        if (created < 0 || notBefore < 0 || notAfter < 0)
        {
            return UserKeyError.ValueOutOfRange;
        }

        if (notAfter <= notBefore)
        {
            return UserKeyError.EmptyValidity;
        }

        if (!UserAddress.IsValid(address))
        {
            return UserKeyError.BadAddress;
        }

        Span<byte> signed = stackalloc byte[SignatureContext.Length + MaxSize];
        return Ed25519.Verify(source.Slice(92, 32), WireFields.Signed(signed, SignatureContext, source[..offset]), source[offset..])
            ? UserKeyError.None
            : UserKeyError.BadSignature;
    }
}
