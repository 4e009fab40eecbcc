using System.Text.Json;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Storage;

namespace Tern.ClientApi.Users;

public sealed partial class UserDirectory
{
    /// <summary>
    /// Reads the users file and brings the users held in line with it: a user new to the directory is added with the
    /// settings of their own file, a known one takes the token the file has, and one the file no longer lists is removed.
    /// The settings of known users are not read again: only this process writes them.
    /// </summary>
    private void LoadLocked()
    {
        var info = new FileInfo(_path);
        var model = new UsersFileModel();
        if (info.Exists)
        {
            try
            {
                model = JsonSerializer.Deserialize(File.ReadAllBytes(_path), UsersFileJson.Default.UsersFileModel) ?? model;
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{_path} is not a users file: {e.Message}", e);
            }
        }

        _legacy = model.Version < UsersFileModel.CurrentVersion || model.Users.Exists(u => u.HasSettings);

        // At open, one listing of the settings directory instead of a lookup a user.
        var files = _users.Count == 0 ? _settings.Names() : null;
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in model.Users)
        {
            if (!NamePattern().IsMatch(record.Name) || record.TokenSha256.Length != 64 || !listed.Add(record.Name))
            {
                throw new InvalidDataException($"{_path}: user '{record.Name}' has an invalid name or token hash, or is listed twice");
            }

            var tokenHash = Convert.FromHexString(record.TokenSha256);
            if (_byName.TryGetValue(record.Name, out var known))
            {
                if (known.Address == record.Address)
                {
                    _byToken.Remove(UserToken.LookupKey(known.TokenHash));
                    known.TokenHash = tokenHash;
                    _byToken[UserToken.LookupKey(tokenHash)] = known;
                    continue;
                }

                RemoveLocked(known);
            }

            var user = new ClientUser(record.Name, record.Address, tokenHash);
            var settings = _legacy ? record.Settings() : files is null || files.Contains(record.Name) ? _settings.Read(record.Name) : null;
            if (settings is not null)
            {
                ApplySettings(user, settings);
            }

            AddLocked(user);
            ApplyUserLocked(user);
        }

        foreach (var gone in _users.Where(u => !listed.Contains(u.Name)).ToList())
        {
            RemoveLocked(gone);
        }

        _stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }

    /// <summary>Fills <paramref name="user"/>'s settings from <paramref name="settings"/> (their file, or a users file of the first layout).</summary>
    private void ApplySettings(ClientUser user, UserSettingsRecord settings)
    {
        foreach (var text in settings.Hashes)
        {
            user.Hashes.Add(RecipientHash.TryParse(text, out var hash) ? hash
                : throw new InvalidDataException($"{_path}: user '{user.Name}' has an invalid hash '{text}'"));
            if (settings.HashDetails?.GetValueOrDefault(text) is { } detail)
            {
                user.SetRegistration(hash, HashKinds.IsKnown(detail.Kind) ? new RegisteredHash(detail.Kind, detail.ExpiresMs)
                    : throw new InvalidDataException($"{_path}: user '{user.Name}' has hash '{text}' of an unknown kind '{detail.Kind}'"));
            }
        }

        foreach (var (domain, preference) in settings.Preferences)
        {
            user.Preferences[domain] = Enum.TryParse<PullPreference>(preference, ignoreCase: true, out var parsed) ? parsed
                : throw new InvalidDataException($"{_path}: user '{user.Name}' has an invalid preference '{preference}'");
        }

        foreach (var domain in settings.Blocked)
        {
            user.Blocked.Add(domain);
        }
    }

    /// <summary>The user's settings as their file holds them (copies: written outside the directory's lock).</summary>
    private static UserSettingsRecord SettingsRecordOf(ClientUser user) => new()
    {
        Hashes = [.. user.Hashes.Select(h => h.ToString())],
        HashDetails = Details(user),
        Preferences = user.Preferences.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal),
        Blocked = [.. user.Blocked],
    };

    /// <summary>Replaces the users file with the users held (who they are and their tokens; the caller holds the users file lock).</summary>
    private void WriteUsersLocked()
    {
        if (_legacy)
        {
            // Read while running, a users file of the first layout: the settings go to their files before it is replaced.
            SplitLocked();
            return;
        }

        var model = new UsersFileModel();
        foreach (var user in _users)
        {
            model.Users.Add(new UserRecord { Name = user.Name, Address = user.Address, TokenSha256 = Convert.ToHexStringLower(user.TokenHash) });
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(model, UsersFileJson.Default.UsersFileModel), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // Every writer of the users file holds its lock (UsersFileLock), so the file is still the one just written.
        var info = new FileInfo(_path);
        _stamp = (info.LastWriteTimeUtc, info.Length);
    }

    /// <summary>
    /// Splits a users file of the first layout: every user's settings to their own file (a user without settings has none),
    /// the directory flushed, then the users file replaced by one without settings. A crash before that last step leaves
    /// the old users file, which the next open splits again from the same content (the caller holds the users file lock).
    /// </summary>
    private void SplitLocked()
    {
        var files = _settings.Names();
        foreach (var user in _users)
        {
            var settings = SettingsRecordOf(user);
            if (!settings.IsEmpty)
            {
                _settings.Write(user.Name, settings, syncDirectory: false);
            }
            else if (files.Contains(user.Name))
            {
                _settings.Delete(user.Name);
            }

            user.Written = user.Changes;
        }

        _settings.Flush();
        _legacy = false;
        WriteUsersLocked();
    }

    /// <summary>Forgets every user (the ingest's table keeps what it was told: the next load tells it the same again).</summary>
    private void ForgetAllLocked()
    {
        _users.Clear();
        _byName.Clear();
        _byToken.Clear();
        _owners.Clear();
        _expiring.Clear();
    }

    /// <summary>Removes a user the users file no longer lists: their hashes go back to the ingest's defaults.</summary>
    private void RemoveLocked(ClientUser user)
    {
        foreach (var hash in user.Hashes.ToArray())
        {
            if (_owners.TryGetValue(hash, out var owner) && owner == user)
            {
                DropLocked(user, hash);
            }
        }

        _users.Remove(user);
        _byName.Remove(user.Name);
        if (_byToken.TryGetValue(UserToken.LookupKey(user.TokenHash), out var byToken) && byToken == user)
        {
            _byToken.Remove(UserToken.LookupKey(user.TokenHash));
        }
    }

    /// <summary>The kind and expiry of the user's hashes that are not pairwise without expiry, or null when none.</summary>
    private static Dictionary<string, HashDetailRecord>? Details(ClientUser user)
    {
        Dictionary<string, HashDetailRecord>? details = null;
        foreach (var hash in user.Hashes)
        {
            var registration = user.Registration(hash);
            if (registration != RegisteredHash.Default)
            {
                (details ??= new(StringComparer.Ordinal))[hash.ToString()] = new HashDetailRecord { Kind = registration.Kind, ExpiresMs = registration.ExpiresMs };
            }
        }

        return details;
    }
}
