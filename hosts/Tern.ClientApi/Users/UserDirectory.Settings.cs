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
        ClientUser current;
        lock (_lock)
        {
            current = Current(user);
            if (preference is { } value)
            {
                if (!current.Preferences.ContainsKey(domain) && current.Preferences.Count >= _maxDomains)
                {
                    return false;
                }

                if (!current.Preferences.TryGetValue(domain, out var old) || old != value)
                {
                    current.Preferences[domain] = value;
                    ChangedLocked(current, domain);
                }
            }
            else if (current.Preferences.Remove(domain))
            {
                ChangedLocked(current, domain);
            }
        }

        Persist(current);
        return true;
    }

    /// <summary>Blocks (or unblocks) <paramref name="domain"/> for the user; false when the user has the most blocks allowed.</summary>
    internal bool SetBlocked(ClientUser user, string domain, bool blocked)
    {
        ClientUser current;
        lock (_lock)
        {
            current = Current(user);
            if (blocked && !current.Blocked.Contains(domain) && current.Blocked.Count >= _maxDomains)
            {
                return false;
            }

            if (blocked ? current.Blocked.Add(domain) : current.Blocked.Remove(domain))
            {
                ChangedLocked(current, domain);
            }
        }

        Persist(current);
        return true;
    }

    /// <summary>The user as held now (a reload since the request authenticated replaces a user whose address changed).</summary>
    private ClientUser Current(ClientUser user) => _byName.TryGetValue(user.Name, out var current) ? current : user;

    /// <summary>Counts a change of the user's settings and tells the ingest what it now does with <paramref name="domain"/>'s notifications.</summary>
    private void ChangedLocked(ClientUser user, string domain)
    {
        user.Changes++;
        ApplyLocked(user, domain);
    }

    /// <summary>
    /// Makes the user's settings file hold every change made in memory so far, before the request that made one is
    /// answered. Writes of one user take turns, the later one writing what the memory holds when it starts, so the file
    /// ends with the newest settings; a write that finds its change already written by another returns at once. Writes of
    /// different users do not wait for each other, nor hold the directory's lock while on disk. A write that fails leaves
    /// the change in memory, throws, and leaves the user to <see cref="WriteUnwritten"/> (the sweep's), unless the user's
    /// next change (a client's retry) writes it first.
    /// </summary>
    private void Persist(ClientUser user)
    {
        lock (user.SettingsWrite)
        {
            UserSettingsRecord settings;
            long changes;
            lock (_lock)
            {
                changes = user.Changes;
                if (user.Written >= changes)
                {
                    return;
                }

                settings = SettingsRecordOf(user);
            }

            try
            {
                _settings.Write(user.Name, settings);
            }
            catch
            {
                lock (_lock)
                {
                    _unwritten.Add(user);
                }

                throw;
            }

            user.Written = changes;
        }
    }

    /// <summary>Writes the settings of users whose last write failed (a full disk); throws the first failure again after trying each.</summary>
    internal void WriteUnwritten()
    {
        ClientUser[] users;
        lock (_lock)
        {
            if (_unwritten.Count == 0)
            {
                return;
            }

            users = [.. _unwritten];
            _unwritten.Clear();
        }

        Exception? failure = null;
        foreach (var user in users)
        {
            try
            {
                Persist(user);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failure ??= e;
            }
        }

        if (failure is not null)
        {
            throw new IOException($"settings of {users.Length} users could not be written: {failure.Message}", failure);
        }
    }

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

    /// <summary>Tells the ingest every preference and block of a user just loaded.</summary>
    private void ApplyUserLocked(ClientUser user)
    {
        foreach (var domain in user.Preferences.Keys.Concat(user.Blocked))
        {
            ApplyLocked(user, domain);
        }
    }
}
