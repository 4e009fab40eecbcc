using System.Buffers.Binary;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;
using Tern.Engine.Storage;

namespace Tern.Engine.Keys;

/// <summary>
/// The domain's published user keys (docs/PROTOCOL.md §14): signs each user's key record with the domain key, rotates
/// (a revocation naming the new record, and the new record, published together) and revokes, and keeps every user's
/// bundle as one file, <c>{address_hash}.bundle</c>, written atomically, so that what is served after a restart is
/// exactly what was signed. A revoked record always travels with its revocation (§14.4): both stay in the bundle
/// until the bundle needs room, and then leave together, oldest first.
/// </summary>
/// <remarks>
/// A domain key rotation (§16.4) hands it the new key set at <c>rotates_at</c> (<see cref="UseKeys"/>): new records are
/// signed with it at once, and <see cref="ResignAll"/> re-signs every bundle signed with another key, one bundle file at a
/// time, each written whole before it is served. A crash part-way leaves every bundle signed by one of the two keys (each
/// verifies, and clients accept the previous key until <c>previous_until</c>), and the next <see cref="ResignAll"/> — at
/// the next start — finishes. A bundle about to change is re-signed first, so no bundle ever mixes two signers.
/// </remarks>
public sealed partial class PublishedUserKeys : IUserKeyLookup
{
    private const string Extension = ".bundle";

    private readonly string _directory;
    private IDomainKeys _keys;
    private Bytes32 _domainKey;
    private readonly TimeProvider _time;
    private readonly Dictionary<Bytes32, byte[]> _bundles = [];
    private readonly Lock _lock = new();

    /// <summary>Opens (or creates) the directory and loads every bundle in it.</summary>
    public PublishedUserKeys(string directory, IDomainKeys keys, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(keys);
        _directory = directory;
        _keys = keys;
        _domainKey = new Bytes32(keys.SigningPublicKey);
        _time = time ?? TimeProvider.System;
        Directory.CreateDirectory(directory);
        foreach (var path in Directory.EnumerateFiles(directory, "*" + Extension))
        {
            var bytes = File.ReadAllBytes(path);
            if (Bytes32.TryParse(Path.GetFileNameWithoutExtension(path), out var hash)
                && UserKeyBundle.TryParse(bytes, out _, out _, out _))
            {
                _bundles[hash] = bytes;
            }
        }
    }

    /// <summary>The domain these keys speak for.</summary>
    public string Domain => _keys.Domain;

    /// <summary>The domain signing key new records are signed with (§14.2 <c>domain_signing_key</c>).</summary>
    public Bytes32 DomainSigningKey
    {
        get
        {
            lock (_lock)
            {
                return _domainKey;
            }
        }
    }

    /// <inheritdoc />
    public bool TryGetBundle(Bytes32 addressHash, out ReadOnlyMemory<byte> bundle)
    {
        lock (_lock)
        {
            var found = _bundles.TryGetValue(addressHash, out var bytes);
            bundle = bytes;
            return found;
        }
    }

    /// <summary>The bundle published for <paramref name="address"/>, or null.</summary>
    public byte[]? BundleOf(string address)
    {
        lock (_lock)
        {
            return _bundles.TryGetValue(UserAddress.Hash(address), out var bytes) ? bytes : null;
        }
    }

    /// <summary>The current record of <paramref name="address"/> (§14.5 step 3), if it has one.</summary>
    public UserKeyRecord? Current(string address)
    {
        lock (_lock)
        {
            return CurrentLocked(address, _time.GetUtcNow().ToUnixTimeMilliseconds(), out _);
        }
    }

    /// <summary>Signs and publishes a first record for <paramref name="address"/> (§14.2).</summary>
    /// <exception cref="UserKeyPublishException">The address already has a current record, or these keys were revoked.</exception>
    public UserKeyChange Publish(string address, Bytes32 signingKey, Bytes32 agreementKey, bool escrow, TimeSpan validity)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            if (CurrentLocked(address, now, out var entries) is { } current)
            {
                throw new UserKeyPublishException($"{address} already has a current key record ({current.Fingerprint}); rotate it instead");
            }

            var record = NewRecord(address, signingKey, agreementKey, escrow, validity, now);
            CheckNotRevoked(entries, record.Fingerprint);
            entries.Add(Sign(record));
            var bundle = Save(address, entries);
            return new UserKeyChange(record.Fingerprint, default, null, now, bundle);
        }
    }

    /// <summary>Rotation (§14.3): revokes the current record as superseded, naming the new one, and publishes the new one.</summary>
    /// <exception cref="UserKeyPublishException">No current record, or the new keys are the current or a revoked pair.</exception>
    public UserKeyChange Rotate(string address, Bytes32 signingKey, Bytes32 agreementKey, bool escrow, TimeSpan validity)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var current = CurrentLocked(address, now, out var entries)
                ?? throw new UserKeyPublishException($"{address} has no current key record to rotate; publish one");
            var record = NewRecord(address, signingKey, agreementKey, escrow, validity, now);
            if (record.Fingerprint == current.Fingerprint)
            {
                throw new UserKeyPublishException("the new keys are the current keys; rotation needs a new key pair");
            }

            CheckNotRevoked(entries, record.Fingerprint);
            var revocation = new UserKeyRevocation(RevocationReason.Superseded, current.Fingerprint, record.Fingerprint, now, _domainKey, address);
            entries.Add(Sign(revocation));
            entries.Add(Sign(record));
            var bundle = Save(address, entries);
            return new UserKeyChange(record.Fingerprint, current.Fingerprint, RevocationReason.Superseded, now, bundle);
        }
    }

    /// <summary>Revokes the current record without a replacement (§14.3).</summary>
    /// <exception cref="UserKeyPublishException">No current record.</exception>
    public UserKeyChange Revoke(string address, RevocationReason reason)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var current = CurrentLocked(address, now, out var entries)
                ?? throw new UserKeyPublishException($"{address} has no current key record to revoke");
            entries.Add(Sign(new UserKeyRevocation(reason, current.Fingerprint, default, now, _domainKey, address)));
            var bundle = Save(address, entries);
            return new UserKeyChange(default, current.Fingerprint, reason, now, bundle);
        }
    }

    private UserKeyRecord? CurrentLocked(string address, long nowMs, out List<byte[]> entries)
    {
        entries = [];
        ResignLocked(UserAddress.Hash(address)); // a bundle is one signer's (§14.4): bring it to the current key before use
        if (!_bundles.TryGetValue(UserAddress.Hash(address), out var bytes) || !UserKeyBundle.TryParse(bytes, out var bundle, out _, out _))
        {
            return null;
        }

        entries = Split(bytes);
        return bundle!.Current(_domainKey, address, nowMs, out var current) == UserKeyVerdict.Valid ? current : null;
    }

    private UserKeyRecord NewRecord(string address, Bytes32 signingKey, Bytes32 agreementKey, bool escrow, TimeSpan validity, long nowMs)
    {
        if (validity <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(validity), validity, "A record's validity must be positive.");
        }

        return new UserKeyRecord(escrow ? UserKeyFlags.Escrow : UserKeyFlags.None, signingKey, agreementKey, nowMs, nowMs,
            nowMs + (long)validity.TotalMilliseconds, _domainKey, address);
    }

    private static void CheckNotRevoked(List<byte[]> entries, Bytes32 fingerprint)
    {
        // A revocation is final (§14.3) and names keys, not a record: a revoked pair published again would be revoked.
        foreach (var entry in entries)
        {
            if (UserKeyRevocation.TryParse(entry, out var revocation, out _) && revocation.RevokedFingerprint == fingerprint)
            {
                throw new UserKeyPublishException("these keys were revoked; a revoked key pair cannot be published again");
            }
        }
    }

    private byte[] Sign(UserKeyRecord record)
    {
        var bytes = new byte[record.EncodedLength];
        record.Sign(_keys, bytes);
        return bytes;
    }

    private byte[] Sign(UserKeyRevocation revocation)
    {
        var bytes = new byte[revocation.EncodedLength];
        revocation.Sign(_keys, bytes);
        return bytes;
    }

    private byte[] Save(string address, List<byte[]> entries)
    {
        Prune(entries);
        var bundle = UserKeyBundle.Encode(entries);
        var hash = UserAddress.Hash(address);
        AtomicFile.Write(Path.Combine(_directory, hash + Extension), bundle);
        _bundles[hash] = bundle;
        return bundle;
    }

    /// <summary>Drops the oldest revoked records with their revocations until the bundle fits (§14.4: at most 16 entries).</summary>
    private static void Prune(List<byte[]> entries)
    {
        while (entries.Count > UserKeyBundle.MaxEntries)
        {
            var dropped = false;
            for (var i = 0; i < entries.Count && !dropped; i++)
            {
                if (!UserKeyRecord.TryParse(entries[i], out var record, out _))
                {
                    continue;
                }

                var fingerprint = record.Fingerprint;
                var revoked = entries.FindIndex(e => UserKeyRevocation.TryParse(e, out var r, out _) && r.RevokedFingerprint == fingerprint);
                if (revoked >= 0)
                {
                    entries.RemoveAll(e => (UserKeyRecord.TryParse(e, out var x, out _) && x.Fingerprint == fingerprint)
                        || (UserKeyRevocation.TryParse(e, out var r, out _) && r.RevokedFingerprint == fingerprint));
                    dropped = true;
                }
            }

            if (!dropped)
            {
                break;
            }
        }
    }

    private static List<byte[]> Split(byte[] bundle)
    {
        var entries = new List<byte[]>(bundle[0]);
        var offset = 1;
        for (var i = 0; i < bundle[0]; i++)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(bundle.AsSpan(offset));
            entries.Add(bundle.AsSpan(offset + 2, length).ToArray());
            offset += 2 + length;
        }

        return entries;
    }
}
