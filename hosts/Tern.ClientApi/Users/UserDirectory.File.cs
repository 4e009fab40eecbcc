using System.Text.Json;
using Tern.Engine.Protocol;
using Tern.Engine.Pending;
using Tern.Engine.Storage;

namespace Tern.ClientApi.Users;

public sealed partial class UserDirectory
{
    private void LoadLocked()
    {
        _users.Clear();
        _byName.Clear();
        _byToken.Clear();
        _owners.Clear();
        _expiring.Clear();
        var info = new FileInfo(_path);
        if (!info.Exists)
        {
            _stamp = (DateTime.MinValue, -1);
            return;
        }

        UsersFileModel model;
        try
        {
            model = JsonSerializer.Deserialize(File.ReadAllBytes(_path), UsersFileJson.Default.UsersFileModel) ?? new UsersFileModel();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{_path} is not a users file: {e.Message}", e);
        }

        foreach (var record in model.Users)
        {
            AddLocked(FromRecord(record));
        }

        _stamp = (info.LastWriteTimeUtc, info.Length);
        ApplyAllLocked();
    }

    private ClientUser FromRecord(UserRecord record)
    {
        if (!NamePattern().IsMatch(record.Name) || record.TokenSha256.Length != 64)
        {
            throw new InvalidDataException($"{_path}: user '{record.Name}' has an invalid name or token hash");
        }

        var user = new ClientUser(record.Name, record.Address, Convert.FromHexString(record.TokenSha256));
        foreach (var text in record.Hashes)
        {
            user.Hashes.Add(RecipientHash.TryParse(text, out var hash) ? hash : throw new InvalidDataException($"{_path}: user '{record.Name}' has an invalid hash '{text}'"));
            if (record.HashDetails?.GetValueOrDefault(text) is { } detail)
            {
                user.SetRegistration(hash, HashKinds.IsKnown(detail.Kind) ? new RegisteredHash(detail.Kind, detail.ExpiresMs)
                    : throw new InvalidDataException($"{_path}: user '{record.Name}' has hash '{text}' of an unknown kind '{detail.Kind}'"));
            }
        }

        foreach (var (domain, preference) in record.Preferences)
        {
            user.Preferences[domain] = Enum.TryParse<PullPreference>(preference, ignoreCase: true, out var parsed) ? parsed
                : throw new InvalidDataException($"{_path}: user '{record.Name}' has an invalid preference '{preference}'");
        }

        foreach (var domain in record.Blocked)
        {
            user.Blocked.Add(domain);
        }

        return user;
    }

    private void SaveLocked()
    {
        var model = new UsersFileModel();
        foreach (var user in _users)
        {
            model.Users.Add(new UserRecord
            {
                Name = user.Name,
                Address = user.Address,
                TokenSha256 = Convert.ToHexStringLower(user.TokenHash),
                Hashes = [.. user.Hashes.Select(h => h.ToString())],
                HashDetails = Details(user),
                Preferences = user.Preferences.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal),
                Blocked = [.. user.Blocked],
            });
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(model, UsersFileJson.Default.UsersFileModel), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // Every writer holds the users file lock (UsersFileLock), so the file is still the one just written.
        var info = new FileInfo(_path);
        _stamp = (info.LastWriteTimeUtc, info.Length);
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
