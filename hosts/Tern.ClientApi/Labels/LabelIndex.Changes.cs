namespace Tern.ClientApi.Labels;

internal sealed partial class LabelIndex
{
    /// <summary>
    /// Adds and removes labels of a message and sets its read state (null leaves it). Removes apply after adds, so a
    /// label in both ends removed. Refused whole when the message would carry more than 32 labels or the user more than
    /// 1000 distinct ones.
    /// </summary>
    public LabelChange Change(string user, string id, IReadOnlyList<string> add, IReadOnlyList<string> remove, bool? read, out LabelEntry? after)
    {
        lock (_lock)
        {
            after = null;
            var labels = Load(user);
            if (!labels.ById.TryGetValue(id, out var entry) || !entry.Listed)
            {
                return LabelChange.NotFound;
            }

            var next = new SortedSet<string>(entry.Labels, StringComparer.Ordinal);
            next.UnionWith(add);
            next.ExceptWith(remove);
            if (next.Count > LabelRules.MaxPerMessage)
            {
                return LabelChange.TooManyOnMessage;
            }

            var counts = labels.Counts();
            var newLabels = next.Count(l => !counts.ContainsKey(l));
            if (newLabels > 0 && counts.Count + newLabels > LabelRules.MaxPerUser)
            {
                return LabelChange.TooManyForUser;
            }

            var newRead = read ?? entry.Read;
            var unchanged = newRead == entry.Read && next.SetEquals(entry.Labels);
            entry.Labels = [.. next];
            entry.Read = newRead;
            after = Copy(entry);
            if (unchanged)
            {
                return LabelChange.Unchanged;
            }

            Save(user, labels);
            return LabelChange.Changed;
        }
    }

    /// <summary>The user's labels with the number of messages carrying each.</summary>
    public SortedDictionary<string, int> Counts(string user)
    {
        lock (_lock)
        {
            return Load(user).Counts();
        }
    }

    /// <summary>Removes <paramref name="label"/> from every message of the user; the entries changed, after the change.</summary>
    public List<LabelEntry> RemoveEverywhere(string user, string label)
    {
        lock (_lock)
        {
            var labels = Load(user);
            var changed = new List<LabelEntry>();
            foreach (var entry in labels.File.Messages)
            {
                if (entry.Labels.Remove(label))
                {
                    changed.Add(Copy(entry));
                }
            }

            if (changed.Count > 0)
            {
                Save(user, labels);
            }

            return changed;
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> of the user's messages stored after the cursor <paramref name="after"/> (0 for the
    /// first), with <paramref name="label"/> when one is given, in the order stored; the last one's order is the next
    /// cursor. Walks the user's ordered entries from the cursor, not the message store.
    /// </summary>
    public (List<LabelEntry> Page, ulong Next, bool More) List(string user, string? label, ulong after, int limit)
    {
        lock (_lock)
        {
            var page = new List<LabelEntry>();
            var next = after;
            foreach (var (order, entry) in Load(user).InOrder)
            {
                if (order <= after)
                {
                    continue;
                }

                // A message still committing ends the page: a cursor past it would never list it.
                if (!entry.Listed)
                {
                    return (page, next, true);
                }

                if (label is not null && !entry.Labels.Contains(label))
                {
                    continue;
                }

                if (page.Count == limit)
                {
                    return (page, next, true);
                }

                page.Add(Copy(entry));
                next = order;
            }

            return (page, next, false);
        }
    }
}
