using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FASTER.core;

namespace Tern.UdpBench;

/// <summary>
/// What single FASTER operations cost on this machine, for the ingest report's reading of the pending-table insert
/// (five of them: two reads, three upserts). A bare FasterKV with the pending table's default capability store
/// sizes (512 MiB index, 256 MiB log memory committed at open, 4 MiB pages): 32-byte random keys and 56-byte values,
/// one thread; measured over 1 000 000 keys after 4 000 000 warm-up inserts.
/// </summary>
internal static class FasterOpsBench
{
    private const int Measured = 1_000_000;
    private const int WarmUp = 4_000_000;

    public static int Run(string directory)
    {
        var path = Path.Combine(directory, "faster-" + Guid.NewGuid().ToString("N"));
        using var device = Devices.CreateLogDevice(Path.Combine(path, "hlog.log"), preallocateFile: false, deleteOnClose: true);
        using var store = new FasterKV<Key, Value>(
            (1L << 29) / 64,
            new LogSettings { LogDevice = device, PageSizeBits = 22, MemorySizeBits = 28, PreallocateLog = true },
            comparer: new KeyComparer());
        var functions = new SimpleFunctions<Key, Value>();
        using var session = store.For(functions).NewSession(functions);
        var random = new Random(7);
        var value = default(Value);
        for (var i = 0; i < WarmUp; i++)
        {
            var key = Key.Random(random);
            session.Upsert(ref key, ref value);
        }

        var keys = new Key[Measured];
        var absent = new Key[Measured];
        for (var i = 0; i < Measured; i++)
        {
            keys[i] = Key.Random(random);
            absent[i] = Key.Random(random);
        }

        var upsert = Time(() =>
        {
            for (var i = 0; i < Measured; i++)
            {
                session.Upsert(ref keys[i], ref value);
            }
        });
        var update = Time(() =>
        {
            for (var i = 0; i < Measured; i++)
            {
                session.Upsert(ref keys[i], ref value);
            }
        });
        var output = default(Value);
        var hit = Time(() =>
        {
            for (var i = 0; i < Measured; i++)
            {
                session.Read(ref keys[i], ref output);
            }
        });
        var miss = Time(() =>
        {
            for (var i = 0; i < Measured; i++)
            {
                session.Read(ref absent[i], ref output);
            }
        });

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"faster ops: upsert of a new key {upsert:F0} ns, upsert of an existing key {update:F0} ns, read hit {hit:F0} ns, read miss {miss:F0} ns (512 MiB index, {WarmUp + Measured} keys)"));
        return 0;
    }

    private static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / Measured;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Key
    {
        public ulong A;
        public ulong B;
        public ulong C;
        public ulong D;

        public static Key Random(Random random) => new()
        {
            A = (ulong)random.NextInt64(),
            B = (ulong)random.NextInt64(),
            C = (ulong)random.NextInt64(),
            D = (ulong)random.NextInt64(),
        };
    }

    [StructLayout(LayoutKind.Sequential, Size = 56)]
    private struct Value
    {
        public long First;
    }

    private sealed class KeyComparer : IFasterEqualityComparer<Key>
    {
        public bool Equals(ref Key k1, ref Key k2) => k1.A == k2.A && k1.B == k2.B && k1.C == k2.C && k1.D == k2.D;

        public long GetHashCode64(ref Key k) => (long)((k.A * 0x9E3779B97F4A7C15UL) ^ (k.B >> 7) ^ (k.C << 3) ^ k.D);
    }
}
