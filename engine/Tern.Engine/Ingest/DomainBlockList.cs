using System.Text;
using Tern.Engine.Protocol;

namespace Tern.Engine.Ingest;

/// <summary>
/// Sender domains the node's operator blocked (receiver policy, docs/PROTOCOL.md §4.4 <c>blocked</c>): a record that names
/// one is dropped before its recipient's preference is looked at, and counted per domain. The ingest reads an immutable
/// snapshot swapped in whole by each change, so a block takes effect on the next datagram without a lock on the
/// per-record path.
/// </summary>
public sealed class DomainBlockList
{
    private readonly Lock _writer = new();
    private BlockedDomain[] _blocked = [];

    /// <summary>Raised after each change, with the whole list, one change at a time (for the host to save it).</summary>
    public event Action<IReadOnlyList<string>>? Changed;

    /// <summary>Blocks <paramref name="domain"/> (normalized); returns false when it was blocked already.</summary>
    public bool Add(string domain)
    {
        var normalized = DomainName.Normalize(domain);
        lock (_writer)
        {
            if (Find(_blocked, normalized) is not null)
            {
                return false;
            }

            Volatile.Write(ref _blocked, [.. _blocked, new BlockedDomain(normalized)]);

            // Under the writer's lock, so two changes are saved in the order they were made.
            Changed?.Invoke(Domains);
        }

        return true;
    }

    /// <summary>Lifts the block on <paramref name="domain"/>; returns false when it was not blocked.</summary>
    public bool Remove(string domain)
    {
        var normalized = DomainName.Normalize(domain);
        lock (_writer)
        {
            if (Find(_blocked, normalized) is not { } found)
            {
                return false;
            }

            Volatile.Write(ref _blocked, [.. _blocked.Where(b => !ReferenceEquals(b, found))]);
            Changed?.Invoke(Domains);
        }

        return true;
    }

    /// <summary>The blocked domains, normalized, in the order they were blocked.</summary>
    public IReadOnlyList<string> Domains => [.. Volatile.Read(ref _blocked).Select(b => b.Domain)];

    /// <summary>Each blocked domain with the records dropped for it since it was blocked (or the process started).</summary>
    public IReadOnlyList<(string Domain, long Dropped)> Snapshot() => [.. Volatile.Read(ref _blocked).Select(b => (b.Domain, b.Dropped))];

    /// <summary>
    /// True when <paramref name="senderDomain"/> (the record's ASCII bytes, already validated as a domain name by §4.2) is
    /// blocked, counting the drop. Called per record on the ingest loop: no allocation.
    /// </summary>
    public bool Drops(ReadOnlySpan<byte> senderDomain)
    {
        var blocked = Volatile.Read(ref _blocked);
        foreach (var entry in blocked)
        {
            if (entry.Matches(senderDomain))
            {
                entry.Count();
                return true;
            }
        }

        return false;
    }

    private static BlockedDomain? Find(BlockedDomain[] blocked, string domain)
    {
        foreach (var entry in blocked)
        {
            if (string.Equals(entry.Domain, domain, StringComparison.Ordinal))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>One blocked domain: its name as text and as the bytes a record carries, and its drop count.</summary>
    private sealed class BlockedDomain(string domain)
    {
        private readonly byte[] _ascii = Encoding.ASCII.GetBytes(domain);
        private long _dropped;

        public string Domain { get; } = domain;

        public long Dropped => Interlocked.Read(ref _dropped);

        // Records carry lower-case names (§4.2 refuses others as malformed), as Normalize makes them.
        public bool Matches(ReadOnlySpan<byte> senderDomain) => senderDomain.SequenceEqual(_ascii);

        public void Count() => Interlocked.Increment(ref _dropped);
    }
}
