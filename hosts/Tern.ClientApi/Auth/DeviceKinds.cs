namespace Tern.ClientApi.Auth;

/// <summary>What a device declares at enrolment; its sessions are limited to that scope (docs/C2S.md §13).</summary>
internal static class DeviceKinds
{
    /// <summary>Everything.</summary>
    public const string Native = "native";

    /// <summary>A legacy IMAP/SMTP bridge: messages, events and labels, no key management.</summary>
    public const string Gateway = "gateway";

    /// <summary>References and stored messages only.</summary>
    public const string Minimal = "minimal";

    public static bool IsKnown(string? kind) => kind is Native or Gateway or Minimal;

    /// <summary>Whether a session of <paramref name="kind"/> may use <paramref name="path"/> (under <c>/v1</c>).</summary>
    public static bool Allows(string kind, string path) => kind switch
    {
        Minimal => path.StartsWith("/v1/references", StringComparison.Ordinal) || path.StartsWith("/v1/stored", StringComparison.Ordinal)
            || path is "/v1/me" or "/v1/capabilities",
        Gateway => !path.StartsWith("/v1/keys", StringComparison.Ordinal) && !path.StartsWith("/v1/directory", StringComparison.Ordinal),
        _ => true,
    };
}
