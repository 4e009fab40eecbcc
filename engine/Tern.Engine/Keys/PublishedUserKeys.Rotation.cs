using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;
using Tern.Engine.Storage;

namespace Tern.Engine.Keys;

// A domain key rotation (docs/PROTOCOL.md §16.4): the new key signs from rotates_at, and every published bundle is
// re-signed with it, one bundle file at a time, each written whole.
public sealed partial class PublishedUserKeys
{
    /// <summary>
    /// Signs with <paramref name="keys"/> (the same domain's new key set, §16.4) from now on. Bundles signed with the previous
    /// key are served as they are until <see cref="ResignAll"/> (or a change to one) re-signs them.
    /// </summary>
    public void UseKeys(IDomainKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_lock)
        {
            if (DomainName.Normalize(keys.Domain) != DomainName.Normalize(_keys.Domain))
            {
                throw new ArgumentException($"The key set is for {keys.Domain}, not {_keys.Domain}.", nameof(keys));
            }

            _keys = keys;
            _domainKey = new Bytes32(keys.SigningPublicKey);
        }
    }

    /// <summary>
    /// Re-signs every bundle signed with another domain key than <see cref="DomainSigningKey"/> (§16.4: at a rotation's
    /// <c>rotates_at</c>, and at start to finish one a crash cut short). Every entry keeps its fields but
    /// <c>domain_signing_key</c> and the signature, so fingerprints, validity and revocations are unchanged. One bundle at a
    /// time under the lock, so lookups and changes go on between them. Returns how many bundles it re-signed.
    /// </summary>
    public int ResignAll(CancellationToken cancellationToken = default)
    {
        Bytes32[] hashes;
        lock (_lock)
        {
            hashes = [.. _bundles.Keys];
        }

        var resigned = 0;
        foreach (var hash in hashes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_lock)
            {
                // Each file is whole on disk before it replaces the last (either copy verifies), so the directory is flushed once at the end.
                if (ResignLocked(hash, syncDirectory: false))
                {
                    resigned++;
                }
            }
        }

        if (resigned > 0)
        {
            DirectorySync.Flush(_directory);
        }

        return resigned;
    }

    /// <summary>Bundles signed with another domain key than <see cref="DomainSigningKey"/>: what <see cref="ResignAll"/> has left to do.</summary>
    public int SignedWithOtherKey()
    {
        lock (_lock)
        {
            var count = 0;
            foreach (var bytes in _bundles.Values)
            {
                if (UserKeyBundle.TryParse(bytes, out var bundle, out _, out _) && SignerOf(bundle!) != _domainKey)
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>Re-signs the bundle of <paramref name="hash"/> with the current key when another signed it, and writes it whole.</summary>
    private bool ResignLocked(Bytes32 hash, bool syncDirectory = true)
    {
        if (!_bundles.TryGetValue(hash, out var bytes) || !UserKeyBundle.TryParse(bytes, out var bundle, out _, out _) || SignerOf(bundle!) == _domainKey)
        {
            return false;
        }

        var entries = Split(bytes);
        for (var i = 0; i < entries.Count; i++)
        {
            // Entries were parsed (and verified) above; the kind byte tells them apart as the bundle's parser does.
            entries[i] = entries[i][1] == UserKeyRevocation.Kind && UserKeyRevocation.TryParse(entries[i], out var revocation, out _)
                ? Sign(revocation with { DomainSigningKey = _domainKey })
                : UserKeyRecord.TryParse(entries[i], out var record, out _) ? Sign(record with { DomainSigningKey = _domainKey })
                : throw new InvalidDataException($"{hash}{Extension}: an entry of a parsed bundle does not parse");
        }

        var resigned = UserKeyBundle.Encode(entries);
        AtomicFile.Write(Path.Combine(_directory, hash + Extension), resigned, syncDirectory: syncDirectory);
        _bundles[hash] = resigned;
        return true;
    }

    private static Bytes32 SignerOf(UserKeyBundle bundle)
        => bundle.Records.Count > 0 ? bundle.Records[0].DomainSigningKey : bundle.Revocations[0].DomainSigningKey;
}
