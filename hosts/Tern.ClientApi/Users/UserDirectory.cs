using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Tern.Engine.Protocol;
using Tern.Engine.Pending;

namespace Tern.ClientApi.Users;

/// <summary>
/// The domain's users. Who they are and their tokens' hashes are in the users file of the data directory (mode 0600,
/// replaced whole when a user is added or issued a token, which is rare); each user's settings (hashes, preferences,
/// blocks) are in a file of their own (<see cref="UserSettingsFiles"/>), replaced on each change of that user's settings
/// only, so a change costs what the user holds, not what the domain holds. The operator's tools (<c>tern user add</c>) open
/// the directory with <see cref="Open"/>; the running node holds one and reads the users file again when it changed under
/// it: looked at once a second at most, and at once for a token it does not know (it may be one just issued). A users file
/// of the first layout (settings inside) is split into the settings files when a directory opens it. Thread-safe.
/// </summary>
public sealed partial class UserDirectory
{
    /// <summary>How often <see cref="Authenticate"/> looks whether the users file changed, at most (a token it does not know looks at once).</summary>
    internal const int ChangeCheckIntervalMs = 1000;

    // How long after a write the file is read again on every check, whatever its stamp (see ReloadIfChangedLocked).
    private static readonly TimeSpan RecentWrite = TimeSpan.FromSeconds(1);

    private readonly string _path;
    private readonly UserSettingsFiles _settings;
    private readonly PullPreferenceTable? _table;
    private readonly int _maxHashes;
    private readonly int _maxDomains;
    private readonly Lock _lock = new();
    private readonly List<ClientUser> _users = [];
    private readonly Dictionary<string, ClientUser> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, ClientUser> _byToken = [];
    private readonly Dictionary<RecipientHash, ClientUser> _owners = [];

    // The registrations with an expiry (docs/C2S.md §10), so that the ingest's owner lookup pays a second one only while some exist.
    private readonly Dictionary<RecipientHash, long> _expiring = [];
    private (DateTime Written, long Length) _stamp;
    private long _checkedAtMs = long.MinValue / 2;

    // Users whose settings file missed a change because its write failed, for WriteUnwritten.
    private readonly HashSet<ClientUser> _unwritten = [];

    // Whether the users file last read is of the first layout, its settings not yet split into the settings files.
    private bool _legacy;

    internal UserDirectory(string path, PullPreferenceTable? table, int maxHashes, int maxDomains)
    {
        _path = path;
        _settings = new UserSettingsFiles(path);
        _table = table;
        _maxHashes = maxHashes;
        _maxDomains = maxDomains;
        lock (_lock)
        {
            LoadLocked();
        }

        if (_legacy)
        {
            // The split writes the users file, so it takes the writers' lock, and reads the file again under it: `tern
            // user` in another process may have split or changed it meanwhile.
            using var writer = UsersFileLock.Acquire(_path);
            lock (_lock)
            {
                ForgetAllLocked();
                LoadLocked();
                if (_legacy)
                {
                    SplitLocked();
                }
            }
        }
    }

    /// <summary>Opens the users file of <paramref name="dataDirectory"/> (<c>users.json</c> unless <paramref name="usersFile"/> names another), for the operator's tools.</summary>
    public static UserDirectory Open(string dataDirectory, string usersFile = "users.json")
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var defaults = new ClientApiOptions();
        return new UserDirectory(Path.Combine(dataDirectory, usersFile), table: null, defaults.MaxHashesPerUser, defaults.MaxDomainsPerUser);
    }

    /// <summary>Adds a user and issues their first token.</summary>
    /// <param name="name">1–64 of a–z, 0–9, '.', '_', '-', starting with a letter or digit; also the transit account charged.</param>
    /// <param name="address">The user's address, <c>local@domain</c>.</param>
    /// <exception cref="UserDirectoryException">A bad name or address, or one already used.</exception>
    public IssuedToken Add(string name, string address)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(address);
        if (!NamePattern().IsMatch(name))
        {
            throw new UserDirectoryException($"user name '{name}' is invalid: 1–64 of a–z, 0–9, '.', '_', '-', starting with a letter or digit");
        }

        var normalized = NormalizeAddress(address);
        var token = UserToken.New();
        using var writer = UsersFileLock.Acquire(_path);
        lock (_lock)
        {
            ReloadIfChangedLocked();
            if (_byName.ContainsKey(name))
            {
                throw new UserDirectoryException($"user '{name}' exists already");
            }

            if (_users.Any(u => u.Address == normalized))
            {
                throw new UserDirectoryException($"address '{normalized}' belongs to another user already");
            }

            var user = new ClientUser(name, normalized, UserToken.Hash(token));
            AddLocked(user);
            WriteUsersLocked();
        }

        return new IssuedToken(name, normalized, token);
    }

    /// <summary>Issues <paramref name="name"/> a new token; the old one stops working at once.</summary>
    /// <exception cref="UserDirectoryException">No such user.</exception>
    public IssuedToken IssueToken(string name)
    {
        var token = UserToken.New();
        using var writer = UsersFileLock.Acquire(_path);
        lock (_lock)
        {
            ReloadIfChangedLocked();
            if (!_byName.TryGetValue(name, out var user))
            {
                throw new UserDirectoryException($"no user '{name}'");
            }

            _byToken.Remove(UserToken.LookupKey(user.TokenHash));
            user.TokenHash = UserToken.Hash(token);
            _byToken[UserToken.LookupKey(user.TokenHash)] = user;
            WriteUsersLocked();
            return new IssuedToken(user.Name, user.Address, token);
        }
    }

    /// <summary>Every user, in the order they were added.</summary>
    public IReadOnlyList<UserSummary> List()
    {
        lock (_lock)
        {
            ReloadIfChangedLocked();
            return [.. _users.Select(u => new UserSummary(u.Name, u.Address, u.Hashes.Count))];
        }
    }

    /// <summary>
    /// The user whose token this is, or null. The token's SHA-256 finds a candidate by its first 8 bytes and is then
    /// compared whole in constant time, so the time taken says nothing about how close a guess came.
    /// </summary>
    internal ClientUser? Authenticate(ReadOnlySpan<char> token)
    {
        Span<byte> hash = stackalloc byte[32];
        if (!UserToken.TryHash(token, hash))
        {
            return null;
        }

        lock (_lock)
        {
            // The file changes under the running node when the operator adds a user or issues a new token. A stat of it
            // on every request cost a syscall and a FileInfo each (4 % of a submit's CPU in perf-reports/profile-c2s.md):
            // it is looked at once a second at most, so a replaced token stops working within a second; a token not
            // found looks at once, so a new one works at once (an unknown token costs a stat, and a read of the file in the
            // second after a write).
            CheckForChangesLocked();
            if (Find(hash) is { } user)
            {
                return user;
            }

            _checkedAtMs = Environment.TickCount64;
            return ReloadIfChangedLocked(readRecent: true) ? Find(hash) : null;
        }
    }

    private ClientUser? Find(ReadOnlySpan<byte> hash) =>
        _byToken.TryGetValue(UserToken.LookupKey(hash), out var user) && CryptographicOperations.FixedTimeEquals(user.TokenHash, hash) ? user : null;

    private void AddLocked(ClientUser user)
    {
        _users.Add(user);
        _byName[user.Name] = user;
        _byToken[UserToken.LookupKey(user.TokenHash)] = user;
        foreach (var hash in user.Hashes)
        {
            _owners[hash] = user;
            TrackExpiryLocked(hash, user.Registration(hash));
        }
    }

    private static string NormalizeAddress(string address)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0 || at > 64 || !LocalPartPattern().IsMatch(address[..at]))
        {
            throw new UserDirectoryException($"address '{address}' is invalid: local@domain, the local part 1–64 of a–z, 0–9, '.', '_', '-', '+'");
        }

        try
        {
            return address[..at] + "@" + DomainName.Normalize(address[(at + 1)..]);
        }
        catch (ArgumentException e)
        {
            throw new UserDirectoryException($"address '{address}' is invalid: {e.Message}", e);
        }
    }

    /// <summary>
    /// The read paths' look at the file (a request's token or session): at most once every
    /// <see cref="ChangeCheckIntervalMs"/>, reading it again when it changed or was written within the last second.
    /// </summary>
    private void CheckForChangesLocked()
    {
        var now = Environment.TickCount64;
        if (now - _checkedAtMs >= ChangeCheckIntervalMs)
        {
            _checkedAtMs = now;
            ReloadIfChangedLocked(readRecent: true);
        }
    }

    /// <summary>
    /// Reads the file again when it changed since it was last read or written; true when it did. A file's modification
    /// time moves in the kernel's coarse ticks (a few ms), so two writes of the same length within one tick share a stamp:
    /// with <paramref name="readRecent"/> (the throttled read paths, never per request) a file written in the last second
    /// is read again whatever its stamp says.
    /// </summary>
    private bool ReloadIfChangedLocked(bool readRecent = false)
    {
        var info = new FileInfo(_path);
        var stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1L);
        if (stamp == _stamp && (!readRecent || !info.Exists || DateTime.UtcNow - info.LastWriteTimeUtc > RecentWrite))
        {
            return false;
        }

        LoadLocked();
        return true;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9._+-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex LocalPartPattern();
}
