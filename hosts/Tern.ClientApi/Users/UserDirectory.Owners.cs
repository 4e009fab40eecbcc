using Tern.Engine.Protocol;

namespace Tern.ClientApi.Users;

public sealed partial class UserDirectory
{
    /// <summary>The name of the user who registered <paramref name="hash"/>, or null (the event log's hooks ask it).</summary>
    internal string? OwnerOf(RecipientHash hash)
    {
        lock (_lock)
        {
            return _owners.TryGetValue(hash, out var owner) && LiveLocked(hash) ? owner.Name : null;
        }
    }

    /// <summary>Whether a user named <paramref name="name"/> is known, without rereading the file (the transit store's hook asks it under its lock).</summary>
    internal bool Knows(string name)
    {
        lock (_lock)
        {
            return _byName.ContainsKey(name);
        }
    }

    /// <summary>The hashes of the user named <paramref name="name"/> (a copy; empty for no such user).</summary>
    internal RecipientHash[] HashesOfName(string name)
    {
        lock (_lock)
        {
            return _byName.TryGetValue(name, out var user) ? LiveHashesLocked(user) : [];
        }
    }

    /// <summary>The user named <paramref name="name"/>, or null (a session names its user; a removed user stops within a second, as a replaced token does).</summary>
    internal ClientUser? ByName(string name)
    {
        lock (_lock)
        {
            // Every session request asks: the same throttled look as a token's, not a stat per request.
            CheckForChangesLocked();
            return _byName.GetValueOrDefault(name);
        }
    }

    /// <summary>The user whose address is <paramref name="address"/>, or null.</summary>
    internal ClientUser? ByAddress(string address)
    {
        lock (_lock)
        {
            ReloadIfChangedLocked();
            return _users.Find(u => string.Equals(u.Address, address, StringComparison.OrdinalIgnoreCase));
        }
    }
}
