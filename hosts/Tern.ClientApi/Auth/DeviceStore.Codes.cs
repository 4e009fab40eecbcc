namespace Tern.ClientApi.Auth;

internal sealed partial class DeviceStore
{
    /// <summary>A one-time enrolment code for another device of <paramref name="user"/>, valid <see cref="CodeLifetime"/>.</summary>
    public (string Code, long ExpiresMs) IssueCode(string user)
    {
        var code = Secrets.NewCode();
        var expires = NowMs + (long)CodeLifetime.TotalMilliseconds;
        lock (_lock)
        {
            _file.Codes.RemoveAll(c => c.ExpiresMs <= NowMs);
            _file.Codes.Add(new EnrolmentCode { CodeSha256 = Secrets.HashHex(code), User = user, ExpiresMs = expires });
            SaveLocked();
        }

        return (code, expires);
    }

    /// <summary>Uses up <paramref name="code"/>: whose it was, or null when it is unknown, used or expired.</summary>
    public string? Redeem(string code)
    {
        if (!code.StartsWith(Secrets.CodePrefix, StringComparison.Ordinal) || code.Length > Secrets.MaxLength)
        {
            return null;
        }

        lock (_lock)
        {
            EnrolmentCode? found = null;
            foreach (var candidate in _file.Codes)
            {
                if (Secrets.Matches(code, candidate.CodeSha256))
                {
                    found = candidate;
                }
            }

            if (found is null)
            {
                return null;
            }

            _file.Codes.Remove(found);
            SaveLocked();
            return found.ExpiresMs > NowMs ? found.User : null;
        }
    }

    /// <summary>Sets (replaces) the password of <paramref name="user"/>, stored as an Argon2id hash.</summary>
    public void SetPassword(string user, string password)
    {
        var hash = PasswordHash.Create(password);
        lock (_lock)
        {
            _file.Passwords[user] = hash;
            SaveLocked();
        }
    }

    /// <summary>
    /// Whether <paramref name="password"/> is <paramref name="user"/>'s. A user without a password (or no such user) costs
    /// the same Argon2id derivation, so the time does not say whether the user exists.
    /// </summary>
    public bool VerifyPassword(string? user, string password)
    {
        string? stored;
        lock (_lock)
        {
            stored = user is not null && _file.Passwords.TryGetValue(user, out var hash) ? hash : null;
        }

        var matches = PasswordHash.Verify(password, stored ?? DummyHash.Value);
        return stored is not null && matches;
    }

    private static readonly Lazy<string> DummyHash = new(() => PasswordHash.Create("not a password of anyone"));
}
