using System.Buffers.Binary;

namespace Tern.Engine.Protocol.UserKeys;

/// <summary>
/// The answer to a key lookup (docs/PROTOCOL.md §14.4): every record a domain publishes for one address and every
/// revocation of them, each signed by the domain, so a correspondent sees a rotation and not only its result.
/// </summary>
public sealed class UserKeyBundle
{
    /// <summary>Most entries one bundle carries.</summary>
    public const int MaxEntries = 16;

    /// <summary>Largest bundle in bytes.</summary>
    public const int MaxSize = 1 + (MaxEntries * (2 + UserKeyRecord.MaxSize));

    private UserKeyBundle(IReadOnlyList<UserKeyRecord> records, IReadOnlyList<UserKeyRevocation> revocations)
    {
        Records = records;
        Revocations = revocations;
    }

    /// <summary>The key records, in the order they came.</summary>
    public IReadOnlyList<UserKeyRecord> Records { get; }

    /// <summary>The revocations, in the order they came.</summary>
    public IReadOnlyList<UserKeyRevocation> Revocations { get; }

    /// <summary>Writes <paramref name="entries"/> (signed records and revocations, as bytes) as a bundle (§14.4).</summary>
    public static byte[] Encode(IReadOnlyList<byte[]> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count is 0 or > MaxEntries)
        {
            throw new ArgumentException($"A bundle holds 1–{MaxEntries} entries, not {entries.Count}.", nameof(entries));
        }

        var bytes = new byte[1 + entries.Sum(e => 2 + e.Length)];
        bytes[0] = (byte)entries.Count;
        var offset = 1;
        foreach (var entry in entries)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(offset), checked((ushort)entry.Length));
            entry.CopyTo(bytes, offset + 2);
            offset += 2 + entry.Length;
        }

        return bytes;
    }

    /// <summary>
    /// Parses a bundle: the count, each entry by its kind byte, every signature, and that all entries name one address
    /// under one domain key (§14.4). Never throws. <paramref name="failedEntry"/> is the index of the entry that failed,
    /// or −1.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> source, out UserKeyBundle? bundle, out UserKeyError error, out int failedEntry)
    {
        bundle = null;
        failedEntry = -1;
        if (source.IsEmpty || source.Length > MaxSize)
        {
            error = source.IsEmpty ? UserKeyError.Truncated : UserKeyError.TrailingBytes;
            return false;
        }

        var count = source[0];
        if (count is 0 or > MaxEntries)
        {
            error = UserKeyError.BadCount;
            return false;
        }

        var records = new List<UserKeyRecord>(count);
        var revocations = new List<UserKeyRevocation>();
        var offset = 1;
        for (var i = 0; i < count; i++)
        {
            failedEntry = i;
            if (source.Length - offset < 2 || BinaryPrimitives.ReadUInt16BigEndian(source[offset..]) > source.Length - offset - 2)
            {
                error = UserKeyError.Truncated;
                return false;
            }

            var entry = source.Slice(offset + 2, BinaryPrimitives.ReadUInt16BigEndian(source[offset..]));
            offset += 2 + entry.Length;
            if (!TryParseEntry(entry, records, revocations, out error))
            {
                return false;
            }
        }

        if (offset != source.Length)
        {
            error = UserKeyError.TrailingBytes;
            return false;
        }

        failedEntry = -1;
        error = AllOneSigner(records, revocations) ? UserKeyError.None : UserKeyError.MixedBundle;
        bundle = error == UserKeyError.None ? new UserKeyBundle(records, revocations) : null;
        return bundle is not null;
    }

    /// <summary>
    /// The record to use for <paramref name="address"/> at <paramref name="nowMs"/> (§14.5): among the records that are
    /// <see cref="UserKeyVerdict.Valid"/>, the one created last. When none is, the verdict of the record created last
    /// says why, and <paramref name="current"/> is that record (for the warning a client shows).
    /// </summary>
    public UserKeyVerdict Current(Bytes32 domainSigningKey, string address, long nowMs, out UserKeyRecord current)
    {
        current = default;
        var verdict = UserKeyVerdict.NoRecord;
        var found = false;
        foreach (var record in Records)
        {
            var check = record.Check(domainSigningKey, address, nowMs, Revocations);
            var newer = !found || record.CreatedAtMs > current.CreatedAtMs;
            if ((check == UserKeyVerdict.Valid && (verdict != UserKeyVerdict.Valid || newer))
                || (verdict != UserKeyVerdict.Valid && newer))
            {
                current = record;
                verdict = check;
                found = true;
            }
        }

        return verdict;
    }

    private static bool TryParseEntry(ReadOnlySpan<byte> entry, List<UserKeyRecord> records, List<UserKeyRevocation> revocations, out UserKeyError error)
    {
        if (entry.Length > 1 && entry[1] == UserKeyRevocation.Kind)
        {
            var ok = UserKeyRevocation.TryParse(entry, out var revocation, out error);
            if (ok)
            {
                revocations.Add(revocation);
            }

            return ok;
        }

        var parsed = UserKeyRecord.TryParse(entry, out var record, out error);
        if (parsed)
        {
            records.Add(record);
        }

        return parsed;
    }

    private static bool AllOneSigner(List<UserKeyRecord> records, List<UserKeyRevocation> revocations)
    {
        var first = records.Count > 0 ? (records[0].DomainSigningKey, records[0].Address) : (revocations[0].DomainSigningKey, revocations[0].Address);
        foreach (var r in records)
        {
            if (r.DomainSigningKey != first.DomainSigningKey || !string.Equals(r.Address, first.Address, StringComparison.Ordinal))
            {
                return false;
            }
        }

        foreach (var r in revocations)
        {
            if (r.DomainSigningKey != first.DomainSigningKey || !string.Equals(r.Address, first.Address, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
