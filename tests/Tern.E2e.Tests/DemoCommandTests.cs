using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Tern.E2e.Tests;

/// <summary>
/// `tern demo` (what `make demo` runs) as a user runs it: a child process that must finish every step and exit 0, leaving
/// no process and no directory behind (so that it runs again at once).
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed partial class DemoCommandTests
{
    [SkippableFact]
    public async Task The_demo_runs_every_step_exits_0_and_leaves_nothing_behind()
    {
        Processes.RequireDnsmasq();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(BuiltAssembly.Path("hosts/Tern.Cli", "tern.dll"));
        start.ArgumentList.Add("demo");
        start.ArgumentList.Add("--file-mb");
        start.ArgumentList.Add("2");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = await output;
        Assert.True(process.ExitCode == 0, $"tern demo exited {process.ExitCode}\n{text}\n{await errors}");
        Assert.Contains("opened and identical to alice's", text, StringComparison.Ordinal);
        Assert.Contains("none since the fetch", text, StringComparison.Ordinal);
        Assert.Contains("the reference was removed on the notice", text, StringComparison.Ordinal);
        Assert.Contains("stopped on SIGTERM, exit code 0", text, StringComparison.Ordinal);
        Assert.Matches(@"demo: ok \(\d+\.\d s\)$", text.TrimEnd());

        // Both nodes it started have exited, and its directory is gone.
        var pids = ReadyPid().Matches(text).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, pids.Count);
        foreach (var pid in pids)
        {
            Assert.False(IsRunning(pid), $"node process {pid} outlived the demo");
        }

        var directory = Directory().Match(text).Groups[1].Value;
        Assert.NotEmpty(directory);
        Assert.False(System.IO.Directory.Exists(directory), $"{directory} is left behind");
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"ready in [^(]*\(pid (\d+)\)")]
    private static partial Regex ReadyPid();

    [GeneratedRegex(@"working in (\S+)")]
    private static partial Regex Directory();
}
