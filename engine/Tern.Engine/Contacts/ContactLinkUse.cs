using System.Collections.Concurrent;

namespace Tern.Engine.Contacts;

/// <summary>
/// Bytes sent in each contact's windows during the current UTC day, for planned-against-actual link use. Keyed by contact
/// id, so a reload that keeps an id keeps its count. Recording takes one dictionary lookup and a short lock, no allocation
/// after a contact's first bytes.
/// </summary>
public sealed class ContactLinkUse
{
    private const long DayMs = 86_400_000;
    private readonly ConcurrentDictionary<string, DayBytes> _byContact = new(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="bytes"/> sent at <paramref name="atMs"/> to <paramref name="contact"/>'s day.</summary>
    public void Record(string contact, long bytes, long atMs)
    {
        var day = _byContact.GetOrAdd(contact, static _ => new DayBytes());
        lock (day)
        {
            var today = atMs / DayMs;
            if (day.Day != today)
            {
                (day.Day, day.Bytes) = (today, 0);
            }

            day.Bytes += bytes;
        }
    }

    /// <summary>Bytes sent in <paramref name="contact"/>'s windows on the UTC day of <paramref name="atMs"/>.</summary>
    public long SentToday(string contact, long atMs)
    {
        if (!_byContact.TryGetValue(contact, out var day))
        {
            return 0;
        }

        lock (day)
        {
            return day.Day == atMs / DayMs ? day.Bytes : 0;
        }
    }

    private sealed class DayBytes
    {
        public long Day { get; set; } = -1;

        public long Bytes { get; set; }
    }
}
