using Tern.Cli.Demo;

namespace Tern.E2e.Tests;

/// <summary>The built <c>tern</c> the tests start as child processes, and the dnsmasq they need.</summary>
internal static class Processes
{
    public static TernLauncher Tern => TernLauncher.ForAssembly(BuiltAssembly.Path("hosts/Tern.Cli", "tern.dll"));

    /// <summary>
    /// Skips the calling test when dnsmasq is missing on a developer's machine; on CI (<c>CI=true</c>) a missing server
    /// fails it instead, since `make test` installs it and a silent skip would hide a broken set-up.
    /// </summary>
    public static void RequireDnsmasq()
    {
        if (DemoDns.Binary is not null)
        {
            return;
        }

        Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), "dnsmasq is not installed; `make test` installs it (apt-get install dnsmasq-base)");
        Skip.If(true, "dnsmasq is not installed (apt-get install dnsmasq-base, or run `make test`, which does)");
    }
}
