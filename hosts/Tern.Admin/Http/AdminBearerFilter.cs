using Microsoft.AspNetCore.Http;

namespace Tern.Admin.Http;

/// <summary>Every admin route but liveness takes <c>Authorization: Bearer &lt;admin token&gt;</c>; anything else is a 401 problem.</summary>
internal sealed class AdminBearerFilter : IEndpointFilter
{
    private readonly AdminToken _token;

    public AdminBearerFilter(AdminToken token) => _token = token;

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return ValueTask.FromResult<object?>(AdminProblems.Unauthorized("send the admin token as 'Authorization: Bearer <token>' (`tern admin token` prints it)"));
        }

        if (!_token.Matches(value.AsSpan(7).Trim()))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return ValueTask.FromResult<object?>(AdminProblems.Unauthorized("the token is not this node's admin token"));
        }

        return next(context);
    }
}
