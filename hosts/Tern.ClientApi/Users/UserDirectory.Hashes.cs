using Tern.Engine.Protocol;
using Tern.Engine.Pending;

namespace Tern.ClientApi.Users;

public sealed partial class UserDirectory
{
    /// <summary>The clock registrations expire by. Defaults to the system's.</summary>
    internal TimeProvider Time { get; set; } = TimeProvider.System;

    private long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The user's recipient hashes whose registration has not lapsed (a copy), in registration order.</summary>
    internal RecipientHash[] HashesOf(ClientUser user)
    {
        lock (_lock)
        {
            return LiveHashesLocked(Current(user));
        }
    }

    /// <summary>The user's live registrations with their kind and expiry (a copy), in registration order.</summary>
    internal (RecipientHash Hash, RegisteredHash Registration)[] RegistrationsOf(ClientUser user)
    {
        lock (_lock)
        {
            var current = Current(user);
            var now = NowMs;
            var list = new List<(RecipientHash, RegisteredHash)>(current.Hashes.Count);
            foreach (var hash in current.Hashes)
            {
                var registration = current.Registration(hash);
                if (!registration.IsExpired(now))
                {
                    list.Add((hash, registration));
                }
            }

            return [.. list];
        }
    }

    /// <summary>Whether <paramref name="hash"/> is one of <paramref name="user"/>'s, and its registration has not lapsed.</summary>
    internal bool Owns(ClientUser user, RecipientHash hash)
    {
        lock (_lock)
        {
            return _owners.TryGetValue(hash, out var owner) && owner.Name == user.Name && LiveLocked(hash);
        }
    }

    /// <summary>
    /// Registers <paramref name="hash"/> for <paramref name="user"/> as <paramref name="registration"/> says; a hash the user
    /// holds already takes the new kind and expiry (a client renews a registration so, or revives a lapsed one). Answered
    /// once the user's settings file holds it.
    /// </summary>
    internal HashRegistration RegisterHash(ClientUser user, RecipientHash hash, RegisteredHash registration)
    {
        ClientUser current;
        HashRegistration result;
        lock (_lock)
        {
            current = Current(user);
            if (_owners.TryGetValue(hash, out var owner))
            {
                if (owner.Name != user.Name)
                {
                    return HashRegistration.TakenByOther;
                }

                if (owner.Registration(hash) == registration)
                {
                    result = HashRegistration.AlreadyOwned;
                }
                else
                {
                    owner.SetRegistration(hash, registration);
                    TrackExpiryLocked(hash, registration);
                    owner.Changes++;
                    result = HashRegistration.Updated;
                }
            }
            else
            {
                if (current.Hashes.Count >= _maxHashes)
                {
                    return HashRegistration.Full;
                }

                current.Hashes.Add(hash);
                current.SetRegistration(hash, registration);
                _owners[hash] = current;
                TrackExpiryLocked(hash, registration);
                current.Changes++;
                foreach (var domain in current.Preferences.Keys.Concat(current.Blocked))
                {
                    _table?.Set(hash, domain, current.Effective(domain));
                }

                result = HashRegistration.Added;
            }
        }

        // Also for a registration already held: a retry after a write that failed makes it durable.
        Persist(current);
        return result;
    }

    internal bool UnregisterHash(ClientUser user, RecipientHash hash)
    {
        ClientUser? owner;
        lock (_lock)
        {
            if (!_owners.TryGetValue(hash, out owner) || owner.Name != user.Name)
            {
                return false;
            }

            DropLocked(owner, hash);
            owner.Changes++;
        }

        Persist(owner);
        return true;
    }

    /// <summary>
    /// Removes every registration whose expiry has passed (docs/C2S.md §10) and puts their hashes back to the ingest's
    /// defaults; run by the client API's sweep. The read paths already treat a lapsed registration as gone, so this only
    /// frees the hash and tells whose it was. Each owner's settings file is written once, whatever the number of their
    /// hashes removed; a write that fails is left to <see cref="WriteUnwritten"/>, and the removal stands (the routes and
    /// the ingest see it already, so its event is due).
    /// </summary>
    internal List<ExpiredHash> RemoveExpiredHashes()
    {
        var removed = new List<ExpiredHash>();
        var owners = new List<ClientUser>();
        lock (_lock)
        {
            if (_expiring.Count == 0)
            {
                return removed;
            }

            var now = NowMs;
            foreach (var (hash, until) in _expiring.ToArray())
            {
                if (until <= now && _owners.TryGetValue(hash, out var owner))
                {
                    DropLocked(owner, hash);
                    owner.Changes++;
                    removed.Add(new ExpiredHash(owner.Name, hash));
                    if (!owners.Contains(owner))
                    {
                        owners.Add(owner);
                    }
                }
            }
        }

        foreach (var owner in owners)
        {
            try
            {
                Persist(owner);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Kept for WriteUnwritten by Persist.
            }
        }

        return removed;
    }

    /// <summary>Whether the registration of <paramref name="hash"/> (known to be registered) has not lapsed: one lookup, none while no registration has an expiry.</summary>
    private bool LiveLocked(RecipientHash hash) => _expiring.Count == 0 || !_expiring.TryGetValue(hash, out var until) || until > NowMs;

    private RecipientHash[] LiveHashesLocked(ClientUser user)
    {
        if (_expiring.Count == 0)
        {
            return [.. user.Hashes];
        }

        var now = NowMs;
        return [.. user.Hashes.Where(h => !_expiring.TryGetValue(h, out var until) || until > now)];
    }

    private void TrackExpiryLocked(RecipientHash hash, RegisteredHash registration)
    {
        if (registration.ExpiresMs is { } until)
        {
            _expiring[hash] = until;
        }
        else
        {
            _expiring.Remove(hash);
        }
    }

    /// <summary>Takes <paramref name="hash"/> from <paramref name="owner"/> and gives the ingest back its defaults for it (no preference, block or default pull of the user's).</summary>
    private void DropLocked(ClientUser owner, RecipientHash hash)
    {
        owner.Hashes.Remove(hash);
        owner.SetRegistration(hash, null);
        _owners.Remove(hash);
        _expiring.Remove(hash);
        if (_table is null)
        {
            return;
        }

        foreach (var domain in owner.Preferences.Keys.Concat(owner.Blocked))
        {
            _table.Set(hash, domain, PullPreference.WhenRequested);
        }

        _table.SetDefault(hash, null);
    }
}
