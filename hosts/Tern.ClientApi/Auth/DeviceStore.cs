using System.Text.Json;
using Tern.Engine.Storage;

namespace Tern.ClientApi.Auth;

/// <summary>
/// The users' devices, one-time enrolment codes and password hashes (docs/C2S.md §5), in <c>clientapi/devices.json</c>,
/// replaced whole on each change (enrolment and revocation are rare). Tokens and codes are kept as SHA-256 only and
/// compared in constant time. Thread-safe.
/// </summary>
internal sealed partial class DeviceStore
{
    public const string FileName = "devices.json";

    /// <summary>How long an enrolment code may be used.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(15);

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly DeviceFile _file;
    private readonly Dictionary<string, DeviceRecord> _byId = new(StringComparer.Ordinal);

    public DeviceStore(string directory, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, FileName);
        _file = File.Exists(_path) ? JsonSerializer.Deserialize(File.ReadAllBytes(_path), DeviceFileJson.Default.DeviceFile) ?? new DeviceFile() : new DeviceFile();
        foreach (var device in _file.Devices)
        {
            _byId[device.Id] = device;
        }
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Enrols a device of <paramref name="user"/>: the record and its token, shown once.</summary>
    public (DeviceRecord Device, string Token) Enrol(string user, string name, string kind)
    {
        var token = Secrets.NewDeviceToken();
        var device = new DeviceRecord { Id = Secrets.NewDeviceId(), User = user, Name = name, Kind = kind, TokenSha256 = Secrets.HashHex(token), CreatedMs = NowMs };
        lock (_lock)
        {
            _file.Devices.Add(device);
            _byId[device.Id] = device;
            SaveLocked();
        }

        return (Copy(device), token);
    }

    /// <summary>The unrevoked device whose token this is, or null. Every device is compared, each in constant time.</summary>
    public DeviceRecord? Authenticate(ReadOnlySpan<char> token)
    {
        if (!token.StartsWith(Secrets.DevicePrefix) || token.Length > Secrets.MaxLength)
        {
            return null;
        }

        var hash = Secrets.HashHex(token);
        lock (_lock)
        {
            DeviceRecord? found = null;
            foreach (var device in _file.Devices)
            {
                // Hex of a hash compared whole, without stopping at the first match, so the time says nothing.
                if (System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.ASCII.GetBytes(device.TokenSha256), System.Text.Encoding.ASCII.GetBytes(hash)) && device.RevokedMs is null)
                {
                    found = device;
                }
            }

            return found is null ? null : Copy(found);
        }
    }

    /// <summary>Whether the operator's token <paramref name="tokenHash"/> was used before (its device exists: no file to write).</summary>
    public bool HasOperatorDevice(ReadOnlySpan<byte> tokenHash)
    {
        var id = Secrets.OperatorDeviceId(tokenHash);
        lock (_lock)
        {
            return _byId.ContainsKey(id);
        }
    }

    /// <summary>
    /// The device the operator's token of the users file (<paramref name="tokenHash"/>) maps to, made on first use
    /// (named "operator token"), so it can be listed and revoked like any device.
    /// </summary>
    public DeviceRecord OperatorDevice(string user, ReadOnlySpan<byte> tokenHash)
    {
        var id = Secrets.OperatorDeviceId(tokenHash);
        lock (_lock)
        {
            if (_byId.TryGetValue(id, out var known))
            {
                return Copy(known);
            }

            var device = new DeviceRecord { Id = id, User = user, Name = "operator token", Kind = DeviceKinds.Native, TokenSha256 = Convert.ToHexStringLower(tokenHash), CreatedMs = NowMs, Operator = true };
            _file.Devices.Add(device);
            _byId[id] = device;
            SaveLocked();
            return Copy(device);
        }
    }

    /// <summary>Whether the device <paramref name="id"/> is revoked or unknown.</summary>
    public bool IsRevoked(string id)
    {
        lock (_lock)
        {
            return !_byId.TryGetValue(id, out var device) || device.RevokedMs is not null;
        }
    }

    /// <summary>The devices of <paramref name="user"/>, revoked ones included, in enrolment order.</summary>
    public List<DeviceRecord> List(string user)
    {
        lock (_lock)
        {
            return [.. _file.Devices.Where(d => d.User == user).Select(Copy)];
        }
    }

    /// <summary>Revokes the device <paramref name="id"/> of <paramref name="user"/>; null when the user has no such device, unrevoked.</summary>
    public DeviceRecord? Revoke(string user, string id)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(id, out var device) || device.User != user || device.RevokedMs is not null)
            {
                return null;
            }

            device.RevokedMs = NowMs;
            SaveLocked();
            return Copy(device);
        }
    }

    private static DeviceRecord Copy(DeviceRecord d) => new()
    {
        Id = d.Id,
        User = d.User,
        Name = d.Name,
        Kind = d.Kind,
        TokenSha256 = d.TokenSha256,
        CreatedMs = d.CreatedMs,
        Operator = d.Operator,
        RevokedMs = d.RevokedMs,
    };

    private void SaveLocked() =>
        AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(_file, DeviceFileJson.Default.DeviceFile), UnixFileMode.UserRead | UnixFileMode.UserWrite);
}
