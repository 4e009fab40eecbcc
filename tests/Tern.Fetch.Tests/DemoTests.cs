using System.Diagnostics;

namespace Tern.Fetch.Tests;

/// <summary>`tern demo` (what `make demo` runs) as a user runs it: a child process that must finish every step and exit 0.</summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_notifies_pulls_fetches_retracts_and_exits_zero()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(BuiltAssembly.Path("hosts/Tern.Cli", "tern.dll"));
        start.ArgumentList.Add("demo");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
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
        Assert.Contains("size and every chunk verified, stored in bob's message store", text, StringComparison.Ordinal);
        Assert.Contains("none in the", text, StringComparison.Ordinal);
        Assert.Contains("removed carol's reference on the retraction notice", text, StringComparison.Ordinal);
        Assert.EndsWith("demo: ok", text.TrimEnd(), StringComparison.Ordinal);
    }
}
