using Tern.Engine.Protocol;
using Tern.Engine.Pending;

namespace Tern.ClientApi.Users;

/// <summary>
/// One user of the domain as the client API holds it: the token's hash (never the token), the recipient hashes the user
/// registered, and the pull preferences and blocks per sender domain. Read and changed under the directory's lock only,
/// except <see cref="SettingsWrite"/>.
/// </summary>
internal sealed class ClientUser
{
    public ClientUser(string name, string address, byte[] tokenHash)
    {
        Name = name;
        Address = address;
        TokenHash = tokenHash;
    }

    /// <summary>The user's name, also the transit store's account charged for what the user submits.</summary>
    public string Name { get; }

    /// <summary>The user's address, <c>local@domain</c>.</summary>
    public string Address { get; }

    /// <summary>SHA-256 of the current token.</summary>
    public byte[] TokenHash { get; set; }

    /// <summary>Held while the user's settings file is written, so that one user's writes take turns and the last leaves the newest settings.</summary>
    public Lock SettingsWrite { get; } = new();

    /// <summary>How many changes of the settings were made in memory (under the directory's lock).</summary>
    public long Changes { get; set; }

    /// <summary>How many of <see cref="Changes"/> the settings file holds (under <see cref="SettingsWrite"/>).</summary>
    public long Written { get; set; }

    /// <summary>The recipient hashes this user polls and reads (docs/PROTOCOL.md §5), in registration order.</summary>
    public List<RecipientHash> Hashes { get; } = [];

    /// <summary>The kind and expiry of each hash that is not pairwise without expiry (most are, and cost nothing here).</summary>
    private Dictionary<RecipientHash, RegisteredHash>? _registrations;

    /// <summary>How <paramref name="hash"/>, one of <see cref="Hashes"/>, was registered.</summary>
    public RegisteredHash Registration(RecipientHash hash) =>
        _registrations is not null && _registrations.TryGetValue(hash, out var registration) ? registration : RegisteredHash.Default;

    /// <summary>Records how <paramref name="hash"/> was registered; null (or the default) forgets it.</summary>
    public void SetRegistration(RecipientHash hash, RegisteredHash? registration)
    {
        if (registration is { } value && value != RegisteredHash.Default)
        {
            (_registrations ??= [])[hash] = value;
        }
        else
        {
            _registrations?.Remove(hash);
        }
    }

    /// <summary>Pull preference per normalized sender domain.</summary>
    public SortedDictionary<string, PullPreference> Preferences { get; } = new(StringComparer.Ordinal);

    /// <summary>Blocked sender domains, normalized: their notifications to this user's hashes are discarded.</summary>
    public SortedSet<string> Blocked { get; } = new(StringComparer.Ordinal);

    /// <summary>What the ingest does with a notification from <paramref name="senderDomain"/> to one of this user's hashes.</summary>
    public PullPreference Effective(string senderDomain) => Blocked.Contains(senderDomain) ? PullPreference.Ignore
        : Preferences.TryGetValue(senderDomain, out var preference) ? preference : PullPreference.WhenRequested;
}
