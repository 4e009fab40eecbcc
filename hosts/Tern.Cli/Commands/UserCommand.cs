using Tern.ClientApi.Users;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern user add|list|token</c>: the domain's users in the data directory's users file. A token is printed once; the
/// file keeps only its SHA-256. The running node reads the file again at its next request, so no restart is needed.
/// </summary>
internal static class UserCommand
{
    public static int Run(string verb, CliArguments options)
    {
        var dataDirectory = options.Get("data-dir") ?? RunCommand.DefaultDataDirectory;
        var users = UserDirectory.Open(dataDirectory);
        try
        {
            switch (verb)
            {
                case "add":
                    Print(users.Add(options.Require("name"), options.Require("address")));
                    break;
                case "token":
                    Print(users.IssueToken(options.Require("name")));
                    break;
                case "list":
                    options.RejectUnknown();
                    foreach (var user in users.List())
                    {
                        Console.WriteLine($"{user.Name}\t{user.Address}\t{user.Hashes} hashes");
                    }

                    return 0;
                default:
                    throw new CliException($"unknown user command '{verb}' (add, list, token)");
            }
        }
        catch (UserDirectoryException e)
        {
            throw new CliException(e.Message);
        }

        options.RejectUnknown();
        return 0;
    }

    private static void Print(IssuedToken token)
    {
        Console.WriteLine($"user {token.Name} <{token.Address}>");
        Console.WriteLine($"token {token.Token}");
        Console.Error.WriteLine("tern: the token is shown once; only its hash is kept");
    }
}
