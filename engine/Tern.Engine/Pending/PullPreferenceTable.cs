using System.Collections.Concurrent;
using System.Text;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

/// <summary>
/// Pull preferences set per (recipient hash, sender domain), in memory, in two layers: the users' own (set through the
/// client API) and the operator's (set through the admin API, <see cref="SetOperator"/>). For a notification the
/// operator's entry for its sender domain wins, then the user's for that domain, then the operator's default for the
/// hash, then the user's default, then the node's default (the protocol's own, when requested, unless the operator
/// chose another). So an operator can override one pair without erasing what the user chose, and take it back.
/// </summary>
public sealed class PullPreferenceTable : IPullPreferences
{
    private readonly ConcurrentDictionary<RecipientHash, (byte[] SenderDomain, PullPreference Preference)[]> _table = new();
    private readonly ConcurrentDictionary<RecipientHash, (byte[] SenderDomain, PullPreference Preference)[]> _operator = new();
    private readonly Lock _operatorWrites = new();
    private readonly PullPreference _fallback;

    // Whether the operator's layer holds anything, kept by its writers: ConcurrentDictionary.IsEmpty takes every lock of
    // the dictionary when it is empty, the usual case, and Lookup runs per notification record.
    private volatile bool _operatorInUse;

    /// <summary>Creates an empty table answering <paramref name="fallback"/> where nothing was set.</summary>
    public PullPreferenceTable(PullPreference fallback = PullPreference.WhenRequested) => _fallback = fallback;

    /// <summary>
    /// Raised after each change of the operator's layer, with all of its entries (an empty domain is a hash's default),
    /// under a lock so that saves happen in the order of the changes.
    /// </summary>
    public event Action<IReadOnlyList<OperatorPreference>>? OperatorChanged;

    /// <summary>Sets what <paramref name="recipientHash"/> wants done with notifications from <paramref name="senderDomain"/>.</summary>
    public void Set(RecipientHash recipientHash, string senderDomain, PullPreference preference)
        => Put(_table, recipientHash, Encoding.ASCII.GetBytes(DomainName.Normalize(senderDomain)), preference);

    /// <summary>
    /// Sets what <paramref name="recipientHash"/> wants done with notifications from sender domains it set nothing for
    /// (the user's policy default); null goes back to the node's default. Kept as an entry with an empty domain, which no
    /// sender domain equals.
    /// </summary>
    public void SetDefault(RecipientHash recipientHash, PullPreference? preference) => Put(_table, recipientHash, [], preference);

    /// <summary>
    /// The operator's override for <paramref name="recipientHash"/> and <paramref name="senderDomain"/> (null: its default
    /// for every domain); a null <paramref name="preference"/> removes the override, and the user's own choice applies again.
    /// </summary>
    public void SetOperator(RecipientHash recipientHash, string? senderDomain, PullPreference? preference)
    {
        var domain = senderDomain is null ? [] : Encoding.ASCII.GetBytes(DomainName.Normalize(senderDomain));
        lock (_operatorWrites)
        {
            Put(_operator, recipientHash, domain, preference);
            _operatorInUse = !_operator.IsEmpty;
            OperatorChanged?.Invoke(OperatorEntries());
        }
    }

    /// <summary>Every override the operator set (see <see cref="SetOperator"/>), in no particular order.</summary>
    public IReadOnlyList<OperatorPreference> OperatorEntries()
    {
        var entries = new List<OperatorPreference>();
        foreach (var (hash, list) in _operator)
        {
            foreach (var (domain, preference) in list)
            {
                entries.Add(new OperatorPreference(hash, domain.Length == 0 ? null : Encoding.ASCII.GetString(domain), preference));
            }
        }

        return entries;
    }

    /// <inheritdoc />
    /// <remarks>Called per notification record on the ingest loop: no allocation; the operator's layer costs one lookup more only while it holds something.</remarks>
    public PullPreference Lookup(RecipientHash recipientHash, ReadOnlySpan<byte> senderDomain)
    {
        PullPreference? operatorDefault = null;
        if (_operatorInUse && _operator.TryGetValue(recipientHash, out var overrides))
        {
            if (Find(overrides, senderDomain, out operatorDefault) is { } forced)
            {
                return forced;
            }
        }

        if (_table.TryGetValue(recipientHash, out var entries))
        {
            if (Find(entries, senderDomain, out var userDefault) is { } chosen)
            {
                return chosen;
            }

            return operatorDefault ?? userDefault ?? _fallback;
        }

        return operatorDefault ?? _fallback;
    }

    private static PullPreference? Find((byte[] SenderDomain, PullPreference Preference)[] entries, ReadOnlySpan<byte> senderDomain, out PullPreference? hashDefault)
    {
        hashDefault = null;
        foreach (var (domain, preference) in entries)
        {
            if (domain.Length == 0)
            {
                hashDefault = preference;
            }
            else if (senderDomain.SequenceEqual(domain))
            {
                return preference;
            }
        }

        return null;
    }

    private static void Put(ConcurrentDictionary<RecipientHash, (byte[] SenderDomain, PullPreference Preference)[]> layer, RecipientHash recipientHash, byte[] domain, PullPreference? preference)
    {
        var entries = layer.AddOrUpdate(
            recipientHash,
            preference is { } value ? [(domain, value)] : [],
            (_, existing) =>
            {
                var others = existing.Where(e => !e.SenderDomain.AsSpan().SequenceEqual(domain));
                return preference is { } value ? [.. others, (domain, value)] : [.. others];
            });
        if (entries.Length == 0)
        {
            // An emptied hash leaves no entry, so the operator's layer is empty again once every override is taken back.
            ((ICollection<KeyValuePair<RecipientHash, (byte[], PullPreference)[]>>)layer).Remove(new(recipientHash, entries));
        }
    }
}
