using System.CommandLine;
using Tern.Cli.Client;

namespace Tern.Cli.Commands;

/// <summary><c>tern login</c>: checks a server URL and token against the node, then saves them for the client commands.</summary>
internal static class LoginCommand
{
    public static Command Create(CliContext context)
    {
        var server = new Option<string>("--server") { Description = "The node's client API, e.g. http://127.0.0.1:7480.", Required = true, HelpName = "url" };
        var token = new Option<string>("--token") { Description = "The token 'tern user add' printed for you.", Required = true, HelpName = "token" };
        var json = CommonOptions.Json();
        var command = new Command("login", """
            Check your token against the node, then save the server and token to ~/.config/tern/client.json (0600) so the
            client commands need neither --server nor --token.
            Example: tern login --server http://127.0.0.1:7480 --token tern_...
            """)
        {
            server, token, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var url = ClientSettings.ParseServer(result.GetRequiredValue(server), "--server");
            using var api = new TernApi(url, result.GetRequiredValue(token));
            using var me = await api.GetJsonAsync("v1/me", cancellationToken).ConfigureAwait(false);
            var path = ClientConfigFile.Write(context, new ClientConfigFile.Contents(url.ToString(), result.GetRequiredValue(token)));
            if (result.GetValue(json))
            {
                CliJson.Write(context, me.RootElement);
            }
            else
            {
                context.Out.WriteLine($"logged in as {me.RootElement.GetProperty("name").GetString()} <{me.RootElement.GetProperty("address").GetString()}>; saved to {path}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
