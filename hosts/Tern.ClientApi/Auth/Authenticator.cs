using Tern.ClientApi.Users;

namespace Tern.ClientApi.Auth;

/// <summary>What the bearer filter and the authentication routes share: devices, sessions and the rate limits.</summary>
internal sealed class Authenticator
{
    public Authenticator(DeviceStore devices, SessionTable sessions, AuthRateLimiter limiter, UserDirectory users, ClientApiOptions options)
    {
        Devices = devices;
        Sessions = sessions;
        Limiter = limiter;
        Users = users;
        Options = options;
    }

    public DeviceStore Devices { get; }

    public SessionTable Sessions { get; }

    public AuthRateLimiter Limiter { get; }

    public UserDirectory Users { get; }

    public ClientApiOptions Options { get; }

    /// <summary>
    /// The device a bearer token opens sessions for: an enrolled device's token, or the operator's token of the users file
    /// mapped to its device (docs/C2S.md §5). Null when neither, or revoked.
    /// </summary>
    public DeviceRecord? DeviceOf(ReadOnlySpan<char> token)
    {
        if (token.StartsWith(Secrets.DevicePrefix) && Devices.Authenticate(token) is { } enrolled)
        {
            return enrolled;
        }

        // An operator's token, also one of the first form that happens to begin like a device token (UserToken).
        if (Users.Authenticate(token) is not { } user)
        {
            return null;
        }

        var device = Devices.OperatorDevice(user.Name, user.TokenHash);
        return device.RevokedMs is null ? device : null;
    }
}
