namespace Tern.ClientApi.Labels;

/// <summary>One user's label file in memory, with its messages by id and in listing order.</summary>
internal sealed class UserLabels
{
    public UserLabels(LabelFile file)
    {
        File = file;
        NextOrder = file.NextOrder;
        Ceiling = file.NextOrder;
        foreach (var entry in file.Messages)
        {
            ById[entry.Id] = entry;
            InOrder[entry.Order] = entry;
        }
    }

    public LabelFile File { get; }

    /// <summary>The order the next stored message gets.</summary>
    public ulong NextOrder { get; set; }

    /// <summary>
    /// The orders below this one are reserved in the file on disk (its <c>nextOrder</c>): a message may take one without
    /// the file being rewritten, since after a crash the messages the file lacks get orders from here up, past any
    /// order a client saw.
    /// </summary>
    public ulong Ceiling { get; set; }

    /// <summary>Whether memory holds changes the file does not (messages stored or deleted since the last save).</summary>
    public bool Dirty { get; set; }

    public Dictionary<string, LabelEntry> ById { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<ulong, LabelEntry> InOrder { get; } = [];

    public void Add(LabelEntry entry)
    {
        File.Messages.Add(entry);
        ById[entry.Id] = entry;
        InOrder[entry.Order] = entry;
    }

    public bool Remove(string id)
    {
        if (!ById.Remove(id, out var entry))
        {
            return false;
        }

        InOrder.Remove(entry.Order);
        File.Messages.Remove(entry);
        return true;
    }

    /// <summary>Every label of the user with how many messages carry it.</summary>
    public SortedDictionary<string, int> Counts()
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in File.Messages)
        {
            foreach (var label in entry.Labels)
            {
                counts[label] = counts.GetValueOrDefault(label) + 1;
            }
        }

        return counts;
    }
}
