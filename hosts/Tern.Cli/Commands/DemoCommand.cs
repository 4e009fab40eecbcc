using System.CommandLine;
using System.Runtime.InteropServices;
using Tern.Cli.Demo;
using Tern.Engine.Crypto;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern demo</c> (<c>make demo</c>): the product as an operator and its users meet it, with real processes. From a
/// fresh temporary directory: dnsmasq on loopback with the domains' records, a.example and b.example as <c>tern run</c>
/// child processes that find each other through it and the signed well-known descriptors, then <see cref="DemoStory"/>
/// through the <c>tern</c> command, then SIGTERM to each node (exit 0 checked). Orchestrated here rather than in a
/// script: the steps check JSON answers, bytes and exit codes, and one <c>finally</c> kills every child and removes the
/// directory on any failure or interruption. Exits 0 when every step behaved, 1 otherwise.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The whole demo's bound: past it, the demo stops what it started and fails.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    public static Command Create(CliContext context)
    {
        var sizeOption = new Option<int>("--file-mb")
        {
            Description = "Size of the file alice sends bob, in MB (default 50).",
            DefaultValueFactory = _ => 50,
            HelpName = "MB",
        };
        sizeOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                result.AddError("--file-mb must be between 1 and 1000");
            }
        });
        var command = new Command("demo", """
            Two nodes as child processes found through a DNS server on loopback: users made with the CLI, a sealed text and
            a 50 MB file sent, pulled and read, notifications stopping, a retraction, each node's figures; then everything
            stopped. Needs dnsmasq (make demo installs it). Exits 0 when every step behaved.
            Example: tern demo
            """)
        {
            sizeOption,
        };
        command.SetAction((result, _) => RunAsync(context, TernLauncher.Current(), result.GetValue(sizeOption) * 1_000_000L));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, TernLauncher tern, long fileBytes)
    {
        var narrator = new DemoNarrator(context.Out);
        using var interrupted = new CancellationTokenSource(Bound);
        // SIGINT and SIGTERM end the demo through its finally (children stopped, directory removed), not mid-step.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => Interrupt(signal, interrupted));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => Interrupt(signal, interrupted));
        narrator.Step($"Tern demo: two domains, real processes, loopback only (NSec {Sodium.NsecVersion}, libsodium {Sodium.Version})");
        var cluster = DemoCluster.Create(tern, new DemoClusterOptions(), narrator);
        Task? run = null;
        try
        {
            run = Task.Run(async () =>
            {
                narrator.Section("Set-up: DNS, the domains' web server, two nodes");
                await cluster.StartAsync().ConfigureAwait(false);
                await new DemoStory(cluster, narrator, fileBytes).RunAsync().ConfigureAwait(false);
                narrator.Section("Stop");
                await cluster.StopAsync().ConfigureAwait(false);
            });
            await run.WaitAsync(interrupted.Token).ConfigureAwait(false);
            await cluster.DisposeAsync().ConfigureAwait(false);
            narrator.Step($"the demo's directory {cluster.Root} removed");
            context.Out.WriteLine($"demo: ok ({narrator.Elapsed.TotalSeconds:F1} s)");
            return ExitCodes.Ok;
        }
        catch (DemoException e)
        {
            await context.Error.WriteLineAsync($"tern demo: failed at {narrator.Elapsed.TotalSeconds:F1} s: {e.Message}").ConfigureAwait(false);
            foreach (var node in new[] { cluster.A, cluster.B })
            {
                if (node.Process is { } process)
                {
                    await context.Error.WriteLineAsync($"--- the last lines of {node.Domain}'s log:\n{process.Tail(30).TrimEnd()}").ConfigureAwait(false);
                }
            }

            return ExitCodes.Error;
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            var why = narrator.Elapsed >= Bound ? $"over its bound of {Bound.TotalSeconds:F0} s" : "interrupted";
            await context.Error.WriteLineAsync($"tern demo: stopped at {narrator.Elapsed.TotalSeconds:F1} s ({why}); killing the nodes").ConfigureAwait(false);
            return ExitCodes.Error;
        }
        finally
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            if (run is { IsCompleted: false })
            {
                // Cut short: the steps still running fail fast on the killed processes and the removed directory; whatever
                // they started meanwhile is killed by a second pass.
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(15))).ConfigureAwait(false);
                await cluster.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static void Interrupt(PosixSignalContext signal, CancellationTokenSource interrupted)
    {
        signal.Cancel = true;
        interrupted.Cancel();
    }
}
