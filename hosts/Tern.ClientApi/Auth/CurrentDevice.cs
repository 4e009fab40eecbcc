using Microsoft.AspNetCore.Http;

namespace Tern.ClientApi.Auth;

/// <summary>The device whose session (or operator token) authenticated the request, set by the bearer filter.</summary>
internal static class CurrentDevice
{
    private static readonly object Key = new();

    public static string? Get(HttpContext context) => context.Items[Key] as string;

    public static void Set(HttpContext context, string deviceId) => context.Items[Key] = deviceId;
}
