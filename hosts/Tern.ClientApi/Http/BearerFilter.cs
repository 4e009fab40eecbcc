using Microsoft.AspNetCore.Http;
using Tern.ClientApi.Users;

namespace Tern.ClientApi.Http;

/// <summary>
/// Bearer authentication on every route of the API: <c>Authorization: Bearer &lt;token&gt;</c>, the token's SHA-256 compared
/// in constant time with the user's (<see cref="UserDirectory.Authenticate"/>). Anything else is a 401 problem.
/// </summary>
internal sealed class BearerFilter : IEndpointFilter
{
    private readonly UserDirectory _users;

    public BearerFilter(UserDirectory users) => _users = users;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Unauthorized("send the user's token as 'Authorization: Bearer <token>'");
        }

        if (_users.Authenticate(value.AsSpan(7).Trim()) is not { } user)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Problems.Unauthorized("the token is not a user's (revoked, mistyped or never issued)");
        }

        CurrentUser.Set(http, user);
        return await next(context).ConfigureAwait(false);
    }
}
