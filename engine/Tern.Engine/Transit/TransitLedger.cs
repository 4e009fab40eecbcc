namespace Tern.Engine.Transit;

/// <summary>
/// Per-account and per-destination-domain accounting of the transit store (docs/ARCHITECTURE.md §3.4). Derived state:
/// saved with each index checkpoint and brought up to date by journal replay, which feeds it the same events with the
/// journal's timestamps. Not thread-safe; the store calls it under its index lock.
/// </summary>
internal sealed class TransitLedger
{
    private readonly Dictionary<string, LedgerEntry> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LedgerEntry> _domains = new(StringComparer.Ordinal);

    /// <summary>Live bytes of the whole store: each blob once, until its last delivery leaves Pending.</summary>
    public long LiveBytes { get; private set; }

    /// <summary>Bytes reserved by submissions being written, over all accounts.</summary>
    public long ReservedBytes { get; set; }

    public LedgerEntry Account(string account) => Get(_accounts, account);

    public LedgerEntry Domain(string domain) => Get(_domains, domain);

    public TransitStats AccountStats(string account, long nowMs) => _accounts.TryGetValue(account, out var e) ? e.ToStats(nowMs) : default;

    public TransitStats DomainStats(string domain, long nowMs) => _domains.TryGetValue(domain, out var e) ? e.ToStats(nowMs) : default;

    /// <summary>Every account's line, by name.</summary>
    public LedgerRow[] Accounts(long nowMs) => Rows(_accounts, nowMs);

    /// <summary>Every destination domain's line, by name.</summary>
    public LedgerRow[] Domains(long nowMs) => Rows(_domains, nowMs);

    private static LedgerRow[] Rows(Dictionary<string, LedgerEntry> map, long nowMs)
    {
        var rows = new LedgerRow[map.Count];
        var i = 0;
        foreach (var (name, entry) in map)
        {
            rows[i++] = new LedgerRow(name, entry.ToStats(nowMs));
        }

        Array.Sort(rows, static (x, y) => string.CompareOrdinal(x.Name, y.Name));
        return rows;
    }

    /// <summary>Charges a new blob: the account once, each delivery's domain once per delivery.</summary>
    public void Submitted(BlobEntry blob, long nowMs)
    {
        var account = Account(blob.Account);
        account.Advance(nowMs);
        account.LiveBytes += blob.Size;
        account.Outstanding += blob.Deliveries.Length;
        LiveBytes += blob.Size;
        foreach (var delivery in blob.Deliveries)
        {
            var domain = Domain(delivery.Domain);
            domain.Advance(nowMs);
            domain.LiveBytes += blob.Size;
            domain.Outstanding++;
        }
    }

    /// <summary>Moves one delivery out of Outstanding; <paramref name="blobDied"/> when it was the blob's last outstanding one.</summary>
    public void Transitioned(BlobEntry blob, DeliveryEntry delivery, DeliveryState to, bool blobDied, long nowMs)
    {
        var domain = Domain(delivery.Domain);
        domain.Advance(nowMs);
        domain.LiveBytes -= blob.Size;
        domain.Outstanding--;
        domain.Count(to, 1);

        var account = Account(blob.Account);
        account.Outstanding--;
        account.Count(to, 1);
        if (blobDied)
        {
            account.Advance(nowMs);
            account.LiveBytes -= blob.Size;
            LiveBytes -= blob.Size;
        }
    }

    public void Write(BinaryWriter writer)
    {
        WriteMap(writer, _accounts);
        WriteMap(writer, _domains);
    }

    public void Read(BinaryReader reader)
    {
        ReadMap(reader, _accounts);
        ReadMap(reader, _domains);
        LiveBytes = 0;
        foreach (var account in _accounts.Values)
        {
            LiveBytes += account.LiveBytes;
        }
    }

    private static LedgerEntry Get(Dictionary<string, LedgerEntry> map, string key)
    {
        if (!map.TryGetValue(key, out var entry))
        {
            entry = new LedgerEntry();
            map.Add(key, entry);
        }

        return entry;
    }

    private static void WriteMap(BinaryWriter writer, Dictionary<string, LedgerEntry> map)
    {
        writer.Write(map.Count);
        foreach (var (key, e) in map)
        {
            writer.Write(key);
            writer.Write(e.LiveBytes);
            writer.Write(e.ByteSeconds);
            writer.Write(e.LastChangeMs);
            writer.Write(e.Outstanding);
            writer.Write(e.Fetched);
            writer.Write(e.Expired);
            writer.Write(e.Retracted);
            writer.Write(e.Transferred);
        }
    }

    private static void ReadMap(BinaryReader reader, Dictionary<string, LedgerEntry> map)
    {
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var e = Get(map, reader.ReadString());
            e.LiveBytes = reader.ReadInt64();
            e.ByteSeconds = reader.ReadDouble();
            e.LastChangeMs = reader.ReadInt64();
            e.Outstanding = reader.ReadInt64();
            e.Fetched = reader.ReadInt64();
            e.Expired = reader.ReadInt64();
            e.Retracted = reader.ReadInt64();
            e.Transferred = reader.ReadInt64();
        }
    }
}
