using System.Text.Json;

namespace Tern.Cli.Client;

/// <summary>
/// The client configuration <c>tern login</c> (or <c>tern user add --save</c>) writes: the node's client API URL and the
/// user's token, in <c>$XDG_CONFIG_HOME/tern/client.json</c> (else <c>~/.config/tern/client.json</c>), mode 0600.
/// </summary>
internal static class ClientConfigFile
{
    public sealed record Contents(string Server, string Token);

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
            return new Contents(
                root.TryGetProperty("server", out var server) && server.ValueKind == JsonValueKind.String ? server.GetString()! : "",
                root.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString()! : "");
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
        var temporary = path + ".tmp";
        // The token is a secret: the file is created 0600 before anything is written to it.
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            JsonSerializer.Serialize(stream, new Dictionary<string, string> { ["server"] = contents.Server, ["token"] = contents.Token });
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }
}
