using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using NSec.Cryptography;
using Tern.Engine.Crypto;

namespace Tern.Bench;

/// <summary>
/// What holding one key per peer costs, measured by creating many (<c>Tern.Bench keycost [count]</c>): NSec <see cref="Key"/>
/// objects (each <c>sodium_malloc</c>ed: its own mapping between guard pages, locked) against the raw-bytes layout the
/// ingest's peer key cache keeps (<see cref="XChaCha20Poly1305Key"/> states side by side in one pinned array). Prints
/// time per key, and the process's resident and virtual memory, locked memory and number of mappings before and after.
/// </summary>
internal static class KeyCost
{
    public static int Run(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        Console.WriteLine($"keycost: {count} keys; vm.max_map_count {File.ReadAllText("/proc/sys/vm/max_map_count").Trim()}, RLIMIT_MEMLOCK {Limit("Max locked memory")}");
        var secrets = new byte[count * 32];
        RandomNumberGenerator.Fill(secrets);
        Warm(secrets);

        Raw(secrets, count);
        Nsec(secrets, count);
        return 0;
    }

    private static void Warm(byte[] secrets)
    {
        // JIT and NSec's static initialisation (sodium_init) out of the measured loops.
        var state = new byte[XChaCha20Poly1305Key.StateSize];
        XChaCha20Poly1305Key.SetKey(state, secrets.AsSpan(0, 32));
        using var key = Key.Import(AeadAlgorithm.ChaCha20Poly1305, secrets.AsSpan(0, 32), KeyBlobFormat.RawSymmetricKey);
    }

    private static void Raw(byte[] secrets, int count)
    {
        var before = Snapshot.Take();
        var watch = Stopwatch.StartNew();
        var states = GC.AllocateArray<byte>(count * XChaCha20Poly1305Key.StateSize, pinned: true);
        for (var i = 0; i < count; i++)
        {
            XChaCha20Poly1305Key.SetKey(states.AsSpan(i * XChaCha20Poly1305Key.StateSize, XChaCha20Poly1305Key.StateSize), secrets.AsSpan(i * 32, 32));
        }

        var created = watch.Elapsed;
        var after = Snapshot.Take();
        watch.Restart();
        CryptographicOperations.ZeroMemory(states);
        var wiped = watch.Elapsed;
        Report("raw bytes, pinned array (XChaCha20Poly1305Key states)", count, count, created, wiped, before, after);
        GC.KeepAlive(states);
    }

    private static void Nsec(byte[] secrets, int count)
    {
        var keys = new Key[count];
        var before = Snapshot.Take();
        var watch = Stopwatch.StartNew();
        var made = 0;
        string? failure = null;
        // Each key is its own mapping between two guard pages, and the kernel allows vm.max_map_count mappings a process:
        // running into that limit takes the runtime down with it (its JIT's mmaps fail), so stop a margin short of it.
        var maxMappings = int.Parse(File.ReadAllText("/proc/sys/vm/max_map_count").Trim(), CultureInfo.InvariantCulture);
        var mappings = before.Mappings;
        for (; made < count; made++)
        {
            if (made % 1000 == 0 && made > 0)
            {
                var now = Snapshot.CountMappings();
                if (now + 2 * (now - mappings) > maxMappings - 5000)
                {
                    failure = $"stopped at {made} keys, {now} mappings: two more thousand would come within 5000 of vm.max_map_count ({maxMappings})";
                    break;
                }

                mappings = now;
            }

            keys[made] = Key.Import(AeadAlgorithm.ChaCha20Poly1305, secrets.AsSpan(made * 32, 32), KeyBlobFormat.RawSymmetricKey);
        }

        var created = watch.Elapsed;
        var after = Snapshot.Take();
        watch.Restart();
        for (var i = 0; i < made; i++)
        {
            keys[i].Dispose();
        }

        var disposed = watch.Elapsed;
        Report("NSec Key (ChaCha20Poly1305, RawSymmetricKey)", count, made, created, disposed, before, after);
        if (failure is not null)
        {
            Console.WriteLine($"  stopped: {failure}");
        }
    }

    private static void Report(string what, int asked, int made, TimeSpan created, TimeSpan released, Snapshot before, Snapshot after)
    {
        Console.WriteLine($"{what}: {made} of {asked} keys");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  create {created.TotalMilliseconds:F1} ms = {created.TotalMicroseconds / Math.Max(made, 1):F3} µs/key; release {released.TotalMilliseconds:F1} ms = {released.TotalMicroseconds / Math.Max(made, 1):F3} µs/key"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  RSS +{(after.RssKb - before.RssKb) / 1024.0:F1} MiB ({(after.RssKb - before.RssKb) * 1024.0 / Math.Max(made, 1):F0} B/key), virtual +{(after.VirtualKb - before.VirtualKb) / 1024.0:F1} MiB ({(after.VirtualKb - before.VirtualKb) * 1024.0 / Math.Max(made, 1):F0} B/key), locked +{(after.LockedKb - before.LockedKb) / 1024.0:F1} MiB, mappings {before.Mappings} → {after.Mappings} (+{(after.Mappings - before.Mappings) / (double)Math.Max(made, 1):F2}/key)"));
    }

    private static string Limit(string name)
    {
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line is null ? "?" : string.Join(' ', line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(1));
    }

    private readonly record struct Snapshot(long RssKb, long VirtualKb, long LockedKb, int Mappings)
    {
        public static Snapshot Take()
        {
            long rss = 0, virt = 0, locked = 0;
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kb(line);
                }
                else if (line.StartsWith("VmSize:", StringComparison.Ordinal))
                {
                    virt = Kb(line);
                }
                else if (line.StartsWith("VmLck:", StringComparison.Ordinal))
                {
                    locked = Kb(line);
                }
            }

            return new Snapshot(rss, virt, locked, CountMappings());
        }

        public static int CountMappings() => File.ReadLines("/proc/self/maps").Count();

        private static long Kb(string line) => long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
