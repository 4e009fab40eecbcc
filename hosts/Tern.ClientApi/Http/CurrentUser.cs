using Microsoft.AspNetCore.Http;
using Tern.ClientApi.Users;

namespace Tern.ClientApi.Http;

/// <summary>The user the bearer token named, set by <see cref="BearerFilter"/> before any route runs.</summary>
internal static class CurrentUser
{
    private static readonly object Key = new();

    public static ClientUser Get(HttpContext context) => (ClientUser)context.Items[Key]!;

    public static void Set(HttpContext context, ClientUser user) => context.Items[Key] = user;
}
