using Tern.Engine.Pending;

namespace Tern.ClientApi.Users;

public sealed partial class UserDirectory
{
    /// <summary>The user's preferences and blocks (copies).</summary>
    internal (KeyValuePair<string, PullPreference>[] Preferences, string[] Blocked) SettingsOf(ClientUser user)
    {
        lock (_lock)
        {
            var current = Current(user);
            return ([.. current.Preferences], [.. current.Blocked]);
        }
    }

    /// <summary>Sets (or with null clears) the user's preference for <paramref name="domain"/>; false when the user has the most domains allowed.</summary>
    internal bool SetPreference(ClientUser user, string domain, PullPreference? preference)
    {
        using var writer = UsersFileLock.Acquire(_path);
        lock (_lock)
        {
            // Another writer (`tern user` in another process) may have replaced the file since it was read.
            ReloadIfChangedLocked();
            var current = Current(user);
            if (preference is { } value)
            {
                if (!current.Preferences.ContainsKey(domain) && current.Preferences.Count >= _maxDomains)
                {
                    return false;
                }

                current.Preferences[domain] = value;
            }
            else if (!current.Preferences.Remove(domain))
            {
                return true;
            }

            SaveLocked();
            ApplyLocked(current, domain);
            return true;
        }
    }

    /// <summary>Blocks (or unblocks) <paramref name="domain"/> for the user; false when the user has the most blocks allowed.</summary>
    internal bool SetBlocked(ClientUser user, string domain, bool blocked)
    {
        using var writer = UsersFileLock.Acquire(_path);
        lock (_lock)
        {
            // Another writer (`tern user` in another process) may have replaced the file since it was read.
            ReloadIfChangedLocked();
            var current = Current(user);
            if (blocked && !current.Blocked.Contains(domain) && current.Blocked.Count >= _maxDomains)
            {
                return false;
            }

            var changed = blocked ? current.Blocked.Add(domain) : current.Blocked.Remove(domain);
            if (changed)
            {
                SaveLocked();
                ApplyLocked(current, domain);
            }

            return true;
        }
    }

    /// <summary>The user as held now (a reload since the request authenticated replaces the objects).</summary>
    private ClientUser Current(ClientUser user) => _byName.TryGetValue(user.Name, out var current) ? current : user;

    /// <summary>Sets what the ingest does with <paramref name="domain"/>'s notifications to each of the user's hashes; the next datagram sees it.</summary>
    private void ApplyLocked(ClientUser user, string domain)
    {
        if (_table is null)
        {
            return;
        }

        var effective = user.Effective(domain);
        foreach (var hash in user.Hashes)
        {
            _table.Set(hash, domain, effective);
        }
    }

    private void ApplyAllLocked()
    {
        foreach (var user in _users)
        {
            foreach (var domain in user.Preferences.Keys.Concat(user.Blocked))
            {
                ApplyLocked(user, domain);
            }
        }
    }
}
