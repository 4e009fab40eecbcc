using System.Collections.Concurrent;
using System.Text;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;

namespace Tern.Cli.Demo;

/// <summary>Pull preferences set per (recipient hash, sender domain); everything else is the protocol default, when requested.</summary>
internal sealed class DemoPreferences : IPullPreferences
{
    private readonly ConcurrentDictionary<RecipientHash, (byte[] SenderDomain, PullPreference Preference)[]> _table = new();

    public void Set(RecipientHash recipientHash, string senderDomain, PullPreference preference)
    {
        var entry = (Encoding.ASCII.GetBytes(senderDomain), preference);
        _table.AddOrUpdate(recipientHash, [entry], (_, existing) => [.. existing.Where(e => !e.SenderDomain.AsSpan().SequenceEqual(entry.Item1)), entry]);
    }

    // Called per notification record on the ingest loop: no allocation.
    public PullPreference Lookup(RecipientHash recipientHash, ReadOnlySpan<byte> senderDomain)
    {
        if (_table.TryGetValue(recipientHash, out var entries))
        {
            foreach (var (domain, preference) in entries)
            {
                if (senderDomain.SequenceEqual(domain))
                {
                    return preference;
                }
            }
        }

        return PullPreference.WhenRequested;
    }
}
