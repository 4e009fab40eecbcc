using System.Text.Json;

namespace Tern.Cli.Client;

/// <summary>
/// The client configuration <c>tern login</c> (or <c>tern user add --save</c>) writes: the node's client API URL and
/// either the operator's token for the user or an enrolled device's token (docs/C2S.md §5) with its id and the last
/// session token it opened (reused until it expires), in <c>$XDG_CONFIG_HOME/tern/client.json</c> (else
/// <c>~/.config/tern/client.json</c>), mode 0600.
/// </summary>
internal static class ClientConfigFile
{
    public sealed record Contents(string Server, string Token)
    {
        /// <summary>The device token (<c>tern_d_…</c>) of a device enrolled by <c>tern login</c>; sessions are opened with it.</summary>
        public string? DeviceToken { get; init; }

        public string? DeviceId { get; init; }

        /// <summary>The last session token opened with <see cref="DeviceToken"/>, and when it expires.</summary>
        public string? Session { get; init; }

        public DateTimeOffset? SessionExpires { get; init; }
    }

    public static string PathOf(CliContext context)
    {
        var home = context.Environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(context.Environment("HOME") ?? throw new CliException("HOME is not set: cannot locate ~/.config/tern/client.json", ExitCodes.Configuration), ".config");
        return Path.Combine(home, "tern", "client.json");
    }

    public static Contents? Read(CliContext context)
    {
        var path = PathOf(context);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            return new Contents(String(root, "server") ?? "", String(root, "token") ?? "")
            {
                DeviceToken = String(root, "deviceToken"),
                DeviceId = String(root, "deviceId"),
                Session = String(root, "session"),
                SessionExpires = String(root, "sessionExpires") is { } expires && DateTimeOffset.TryParse(expires, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null,
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new CliException($"{path}: not a client configuration ({e.Message})", ExitCodes.Configuration);
        }
    }

    public static string Write(CliContext context, Contents contents)
    {
        var path = PathOf(context);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A temporary file of this process's own: two commands of one device (`events --follow` renewing its session while
        // another runs) may write at once, and a shared name lets one rename the other's file away. The last rename wins.
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        // The token is a secret: the file is created 0600 before anything is written to it.
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            var fields = new Dictionary<string, string> { ["server"] = contents.Server, ["token"] = contents.Token };
            Add(fields, "deviceToken", contents.DeviceToken);
            Add(fields, "deviceId", contents.DeviceId);
            Add(fields, "session", contents.Session);
            Add(fields, "sessionExpires", contents.SessionExpires?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            JsonSerializer.Serialize(stream, fields);
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void Add(Dictionary<string, string> fields, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            fields[name] = value;
        }
    }
}
