using System.Collections.Concurrent;

namespace Tern.ClientApi.Auth;

/// <summary>
/// Session tokens in memory (docs/C2S.md §5): each names its user and device and ends at its expiry, when its device is
/// revoked (checked on every request), or when the node restarts. Keyed by the token's SHA-256.
/// </summary>
internal sealed class SessionTable
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public SessionTable(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Opens a session of <paramref name="device"/> for <paramref name="lifetime"/>: its token and expiry.</summary>
    public (string Token, long ExpiresMs) Open(DeviceRecord device, TimeSpan lifetime)
    {
        var token = Secrets.NewSessionToken();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var expires = now + (long)lifetime.TotalMilliseconds;
        _sessions[Secrets.HashHex(token)] = new Session(device.User, device.Id, device.Kind, expires);
        if (_sessions.Count % 1024 == 0)
        {
            Sweep(now);
        }

        return (token, expires);
    }

    /// <summary>The session of <paramref name="token"/>, and whether it has expired; null when unknown.</summary>
    public (Session Session, bool Expired)? Find(ReadOnlySpan<char> token)
    {
        if (token.Length > Secrets.MaxLength || !_sessions.TryGetValue(Secrets.HashHex(token), out var session))
        {
            return null;
        }

        return (session, session.ExpiresMs <= _time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    private void Sweep(long now)
    {
        foreach (var (key, session) in _sessions)
        {
            if (session.ExpiresMs <= now - 3_600_000)
            {
                _sessions.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Whose a session is.</summary>
    internal sealed record Session(string User, string DeviceId, string Kind, long ExpiresMs);
}
