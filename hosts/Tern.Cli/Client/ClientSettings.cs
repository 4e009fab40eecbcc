using System.CommandLine;

namespace Tern.Cli.Client;

/// <summary>
/// Where the client commands find the node and the user's token, first found wins: <c>--server</c>/<c>--token</c>,
/// then <c>TERN_SERVER</c>/<c>TERN_TOKEN</c>, then the client configuration file (<see cref="ClientConfigFile"/>).
/// </summary>
internal sealed class ClientSettings
{
    private readonly Option<string> _server = new("--server")
    {
        Description = "The node's client API, e.g. http://127.0.0.1:7480 (else TERN_SERVER, else ~/.config/tern/client.json).",
        HelpName = "url",
    };

    private readonly Option<string> _token = new("--token")
    {
        Description = "Your bearer token (else TERN_TOKEN, else ~/.config/tern/client.json).",
        HelpName = "token",
    };

    public ClientSettings()
    {
        _server.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && !TryParseServer(result.Tokens[0].Value, out _))
            {
                result.AddError($"--server '{result.Tokens[0].Value}': not an http:// or https:// URL");
            }
        });
    }

    public void AddTo(Command command)
    {
        command.Add(_server);
        command.Add(_token);
    }

    public TernApi Connect(CliContext context, ParseResult result)
    {
        var file = new Lazy<ClientConfigFile.Contents?>(() => ClientConfigFile.Read(context));
        var server = result.GetValue(_server) ?? Nonempty(context.Environment("TERN_SERVER")) ?? Nonempty(file.Value?.Server)
            ?? throw new CliException("no server: pass --server, set TERN_SERVER or run 'tern login'", ExitCodes.Configuration);
        var url = ParseServer(server, "server");
        var token = result.GetValue(_token) ?? Nonempty(context.Environment("TERN_TOKEN"));
        if (token is null && Nonempty(file.Value?.DeviceToken) is { } device)
        {
            // An enrolled device (tern login): session tokens opened with the device token, kept beside it.
            return new TernApi(url, new DeviceSessions(context, url, device, file.Value, save: true));
        }

        token ??= Nonempty(file.Value?.Token) ?? throw new CliException("no token: pass --token, set TERN_TOKEN or run 'tern login'", ExitCodes.Configuration);

        // A device token given by hand opens sessions too (the node takes it on POST /v1/sessions only).
        return token.StartsWith("tern_d_", StringComparison.Ordinal)
            ? new TernApi(url, new DeviceSessions(context, url, token, saved: null, save: false))
            : new TernApi(url, token);
    }

    public static Uri ParseServer(string value, string name) => TryParseServer(value, out var uri)
        ? uri
        : throw new CliException($"{name} '{value}': not an http:// or https:// URL", ExitCodes.Configuration);

    private static bool TryParseServer(string value, out Uri uri)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
        {
            uri = parsed;
            return true;
        }

        uri = null!;
        return false;
    }

    private static string? Nonempty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
