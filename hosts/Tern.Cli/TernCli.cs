using System.CommandLine;
using Tern.Cli.Commands;

namespace Tern.Cli;

/// <summary>
/// The <c>tern</c> command line: builds the command tree, turns parse errors into exit code 2 naming the option, runs
/// the command and maps its failures to the documented exit codes (docs/CLI.md).
/// </summary>
internal static class TernCli
{
    public static RootCommand Build(CliContext context, IReadOnlyList<string> args)
    {
        var root = new RootCommand("""
            tern: a store-and-forward messaging node and its client.

            Operators: 'tern init' makes a node's data directory, 'tern run' runs the node, 'tern user add' issues a
            user's token. Users: 'tern login' saves the node's client API address and your token, then 'tern send',
            'tern refs', 'tern poll', 'tern fetch', 'tern status' and 'tern retract'. See docs/CLI.md and docs/OPERATIONS.md.
            """);
        root.Add(DemoCommand.Create(context));
        root.Add(InitCommand.Create(context));
        root.Add(RunCommand.Create(args));
        root.Add(KeysCommand.Create(context));
        root.Add(UserCommand.Create(context));
        root.Add(VersionCommand.Create(context));
        root.Add(LoginCommand.Create(context));
        root.Add(SendCommand.Create(context));
        root.Add(PollCommand.Create(context));
        root.Add(RefsCommand.Create(context));
        root.Add(StoredCommand.Create(context));
        root.Add(LabelCommand.Create(context));
        root.Add(EventsCommand.Create(context));
        root.Add(DevicesCommand.Create(context));
        root.Add(FetchCommand.Create(context));
        root.Add(StatusCommand.Create(context));
        root.Add(RetractCommand.Create(context));
        root.Add(HashCommand.Create(context));
        root.Add(PreferCommand.Create(context));
        root.Add(PeersCommand.Create(context));
        root.Add(AdminCommand.Create(context));
        root.Add(DoctorCommand.Create(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        // 'tern help' as older versions took it.
        args = args is ["help"] ? ["--help"] : args;
        // No POSIX bundling: a recipient hash is base64url and may begin with '-', and "-h430…" bundled read as -h (help,
        // exit 0) and the hash was silently not registered; '-f' and '-o' are still taken, only not run together.
        var result = Build(context, args).Parse(args, new ParserConfiguration { EnablePosixBundling = false });
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await context.Error.WriteLineAsync($"tern: {error.Message}").ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync("tern: try 'tern --help' or 'tern <command> --help'").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            // ProcessTerminationTimeout null: System.CommandLine would otherwise take SIGTERM/SIGINT and end the process two
            // seconds later, cutting `tern run`'s graceful stop (the Generic Host drains, commits and checkpoints first).
            var configuration = new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            };
            return await result.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            await context.Error.WriteLineAsync($"tern: {e.Message}").ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (Tern.ClientApi.Users.UserDirectoryException e)
        {
            await context.Error.WriteLineAsync($"tern: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (Tern.Engine.Discovery.StaticPeersFileException e)
        {
            await context.Error.WriteLineAsync($"tern: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Configuration;
        }
        catch (HttpRequestException e)
        {
            await context.Error.WriteLineAsync($"tern: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Error;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            await context.Error.WriteLineAsync($"tern: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Error;
        }
    }
}
