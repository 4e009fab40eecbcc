using System.CommandLine;
using Tern.Cli.Client;
using Tern.ClientApi.Users;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern user add|list|token</c>: the domain's users in the data directory's users file. A token is printed once; the
/// file keeps only its SHA-256. The running node reads the file again at its next request, so no restart is needed.
/// </summary>
internal static class UserCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("user", "Manage the users of the node's client API (run on the node, with access to its data directory).");
        command.Add(Add(context));
        command.Add(Token(context));
        command.Add(List(context));
        return command;
    }

    private static Command Add(CliContext context)
    {
        var name = Name();
        var address = new Option<string>("--address") { Description = "The user's address, local@domain.", Required = true, HelpName = "address" };
        var dataDirectory = CommonOptions.DataDirectory(required: false);
        var save = new Option<string>("--save")
        {
            Description = "Also write the client configuration (this server URL and the token) to ~/.config/tern/client.json for 'tern send' and the others.",
            HelpName = "server-url",
        };
        var json = CommonOptions.Json();
        var command = new Command("add", """
            Add a user and print their token (shown once; only its hash is kept).
            Example: tern user add --name alice --address alice@example.org --data-dir /var/lib/tern
            """)
        {
            name, address, dataDirectory, save, json,
        };
        command.SetAction(result =>
        {
            var server = result.GetValue(save) is { } url ? ClientSettings.ParseServer(url, "--save") : null;
            var token = Directory(result, dataDirectory).Add(result.GetRequiredValue(name), result.GetRequiredValue(address));
            if (server is not null)
            {
                ClientConfigFile.Write(context, new ClientConfigFile.Contents(server.ToString(), token.Token));
            }

            Print(context, token, result.GetValue(json));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Token(CliContext context)
    {
        var name = Name();
        var dataDirectory = CommonOptions.DataDirectory(required: false);
        var json = CommonOptions.Json();
        var command = new Command("token", "Issue a user a new token; the old one stops working at the node's next request.\nExample: tern user token --name alice")
        {
            name, dataDirectory, json,
        };
        command.SetAction(result =>
        {
            Print(context, Directory(result, dataDirectory).IssueToken(result.GetRequiredValue(name)), result.GetValue(json));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var dataDirectory = CommonOptions.DataDirectory(required: false);
        var json = CommonOptions.Json();
        var command = new Command("list", "List the users: name, address and how many recipient hashes each registered.") { dataDirectory, json };
        command.SetAction(result =>
        {
            var users = Directory(result, dataDirectory).List();
            if (result.GetValue(json))
            {
                CliJson.Write(context, writer =>
                {
                    writer.WriteStartArray();
                    foreach (var user in users)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("name", user.Name);
                        writer.WriteString("address", user.Address);
                        writer.WriteNumber("hashes", user.Hashes);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                });
                return ExitCodes.Ok;
            }

            foreach (var user in users)
            {
                context.Out.WriteLine($"{user.Name}\t{user.Address}\t{user.Hashes} hashes");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Option<string> Name() => new("--name") { Description = "The user's name (a-z 0-9 . _ -).", Required = true, HelpName = "name" };

    private static UserDirectory Directory(ParseResult result, Option<string> dataDirectory)
    {
        try
        {
            return UserDirectory.Open(result.GetRequiredValue(dataDirectory));
        }
        catch (UserDirectoryException e)
        {
            throw new CliException(e.Message, ExitCodes.Configuration);
        }
    }

    private static void Print(CliContext context, IssuedToken token, bool json)
    {
        if (json)
        {
            CliJson.Write(context, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("name", token.Name);
                writer.WriteString("address", token.Address);
                writer.WriteString("token", token.Token);
                writer.WriteEndObject();
            });
        }
        else
        {
            context.Out.WriteLine($"user {token.Name} <{token.Address}>");
            context.Out.WriteLine($"token {token.Token}");
        }

        context.Error.WriteLine("tern: the token is shown once; only its hash is kept");
    }
}
