using Tern.Engine.Crypto;
using Tern.Engine.Keys;

namespace Tern.Engine.Tests.Crypto;

/// <summary>The libsodium in this process is the one NSec ships, never a library of the distribution (issue 13).</summary>
public class LoadedLibsodiumTests
{
    [Fact]
    public void The_only_libsodium_mapped_is_NSecs()
    {
        // Use every path: NSec's API, and Tern's own calls into the same library.
        var hash = new byte[32];
        Blake2b.Hash("x"u8, hash, "key"u8);
        using var keys = DomainKeySet.Generate("a.example");
        Assert.False(string.IsNullOrEmpty(Sodium.Version));

        var mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && Path.GetFileName(fields[5]).StartsWith("libsodium", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .Distinct()
            .ToList();

        var bundled = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libsodium.so");
        Assert.True(File.Exists(bundled), $"NSec's libsodium is not at {bundled}");
        Assert.Equal([Path.GetFullPath(bundled)], mapped);
    }
}
