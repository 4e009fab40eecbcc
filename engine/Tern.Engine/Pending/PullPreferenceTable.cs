using System.Collections.Concurrent;
using System.Text;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

/// <summary>
/// Pull preferences set per (recipient hash, sender domain), in memory; everything else gets the node's default, the
/// protocol's own (when requested) unless the operator chose another.
/// </summary>
public sealed class PullPreferenceTable : IPullPreferences
{
    private readonly ConcurrentDictionary<RecipientHash, (byte[] SenderDomain, PullPreference Preference)[]> _table = new();
    private readonly PullPreference _fallback;

    /// <summary>Creates an empty table answering <paramref name="fallback"/> where nothing was set.</summary>
    public PullPreferenceTable(PullPreference fallback = PullPreference.WhenRequested) => _fallback = fallback;

    /// <summary>Sets what <paramref name="recipientHash"/> wants done with notifications from <paramref name="senderDomain"/>.</summary>
    public void Set(RecipientHash recipientHash, string senderDomain, PullPreference preference)
    {
        var entry = (Encoding.ASCII.GetBytes(DomainName.Normalize(senderDomain)), preference);
        _table.AddOrUpdate(recipientHash, [entry], (_, existing) => [.. existing.Where(e => !e.SenderDomain.AsSpan().SequenceEqual(entry.Item1)), entry]);
    }

    /// <summary>
    /// Sets what <paramref name="recipientHash"/> wants done with notifications from sender domains it set nothing for
    /// (the user's policy default); null goes back to the node's default. Kept as an entry with an empty domain, which no
    /// sender domain equals.
    /// </summary>
    public void SetDefault(RecipientHash recipientHash, PullPreference? preference)
    {
        var empty = Array.Empty<byte>();
        _table.AddOrUpdate(
            recipientHash,
            preference is { } value ? [(empty, value)] : [],
            (_, existing) => preference is { } value ? [.. existing.Where(e => e.SenderDomain.Length != 0), (empty, value)] : [.. existing.Where(e => e.SenderDomain.Length != 0)]);
    }

    /// <inheritdoc />
    /// <remarks>Called per notification record on the ingest loop: no allocation.</remarks>
    public PullPreference Lookup(RecipientHash recipientHash, ReadOnlySpan<byte> senderDomain)
    {
        var fallback = _fallback;
        if (_table.TryGetValue(recipientHash, out var entries))
        {
            foreach (var (domain, preference) in entries)
            {
                if (domain.Length == 0)
                {
                    fallback = preference;
                }
                else if (senderDomain.SequenceEqual(domain))
                {
                    return preference;
                }
            }
        }

        return fallback;
    }
}
