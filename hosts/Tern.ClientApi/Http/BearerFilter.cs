using Microsoft.AspNetCore.Http;
using Tern.ClientApi.Auth;
using Tern.Node.Surfaces;

namespace Tern.ClientApi.Http;

/// <summary>
/// Bearer authentication on every route of the API but the unauthenticated three (docs/C2S.md §5):
/// <c>Authorization: Bearer &lt;token&gt;</c> with a session token (its device still enrolled, the session unexpired, the
/// route in the device kind's scope), or the operator's token of the users file (its SHA-256 compared in constant time,
/// <see cref="Users.UserDirectory.Authenticate"/>), which stands for the device it maps to. A device token only opens
/// sessions. Anything else is a 401 problem.
/// </summary>
internal sealed class BearerFilter : IEndpointFilter
{
    private readonly Authenticator _auth;

    public BearerFilter(Authenticator auth) => _auth = auth;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Unauthorized("send a session token as 'Authorization: Bearer <token>'");
        }

        var token = value.AsSpan(7).Trim();
        if (token.StartsWith(Secrets.SessionPrefix))
        {
            return await SessionAsync(context, next, token.ToString()).ConfigureAwait(false);
        }

        http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";

        // An operator's token of the first form may begin like a device token (UserToken): the users file decides.
        if (_auth.Users.Authenticate(token) is not { } user)
        {
            return token.StartsWith(Secrets.DevicePrefix)
                ? Problems.Unauthorized("a device token only opens sessions: POST /v1/sessions with it, then send the session token")
                : Problems.Unauthorized("the token is not a user's (revoked, mistyped or never issued)");
        }

        return await OperatorAsync(context, next, user).ConfigureAwait(false);
    }

    /// <summary>A request under the operator's token of <paramref name="user"/>, which stands for the device it maps to.</summary>
    private async ValueTask<object?> OperatorAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, Users.ClientUser user)
    {
        var http = context.HttpContext;
        if (ThreadPoolHop.IsNeeded && !_auth.Devices.HasOperatorDevice(user.TokenHash))
        {
            // The token's first use writes the device file: not on the socket thread of a route that runs inline.
            await ThreadPoolHop.ToPoolAsync();
        }

        var device = _auth.Devices.OperatorDevice(user.Name, user.TokenHash);
        if (device.RevokedMs is not null)
        {
            return Problems.Unauthorized("device-revoked", "the device of this token was revoked");
        }

        http.Response.Headers.Remove("WWW-Authenticate");
        CurrentUser.Set(http, user);
        CurrentDevice.Set(http, device.Id);
        return await next(context).ConfigureAwait(false);
    }

    private async ValueTask<object?> SessionAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, string token)
    {
        var http = context.HttpContext;
        http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        if (_auth.Sessions.Find(token) is not { } found)
        {
            // Or an operator's token of the first form that begins like a session token (UserToken): asked only on a miss.
            if (_auth.Users.Authenticate(token) is { } user)
            {
                return await OperatorAsync(context, next, user).ConfigureAwait(false);
            }

            return Problems.Unauthorized("the session token is not one this node issued (or the node restarted since): open a session again");
        }

        if (found.Expired)
        {
            return Problems.Unauthorized("session-expired", "the session expired: open a new one with the device token");
        }

        if (_auth.Devices.IsRevoked(found.Session.DeviceId))
        {
            return Problems.Unauthorized("device-revoked", "the device of this session was revoked");
        }

        if (_auth.Users.ByName(found.Session.User) is not { } sessionUser)
        {
            return Problems.Unauthorized("the session's user no longer exists");
        }

        http.Response.Headers.Remove("WWW-Authenticate");
        if (!DeviceKinds.Allows(found.Session.Kind, http.Request.Path.Value ?? ""))
        {
            return Problems.Field("Authorization", $"a {found.Session.Kind} device's session may not use this route", status: StatusCodes.Status403Forbidden, kind: "forbidden");
        }

        CurrentUser.Set(http, sessionUser);
        CurrentDevice.Set(http, found.Session.DeviceId);
        return await next(context).ConfigureAwait(false);
    }
}
