using System.Diagnostics;
using System.Globalization;
using Tern.Engine.Storage;

namespace Tern.Load;

/// <summary>
/// The transit logs' commit-slot write (docs/ARCHITECTURE.md §3.1) both ways, taking turns: a 4 KiB slot of a
/// preallocated 8 KiB file overwritten in place through a handle opened <c>O_SYNC</c> (.NET's write-through, what the
/// slots used before) and one opened <c>O_DSYNC</c> (<see cref="DataSyncFile"/>), commit n into slot n mod 2 as the
/// manager does. Each write is timed alone, with a pause before it longer than the kernel's clock tick (4 ms at
/// HZ=250), so the file's modification time has moved, as it has between the commits of a node taking one message
/// at a time.
/// </summary>
internal static class SlotWrites
{
    private const int Slot = 4096;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(5);

    public static void Run(string directory, int count)
    {
        Directory.CreateDirectory(directory);
        var syncPath = Prepare(Path.Combine(directory, "sync.slots"));
        var dataSyncPath = Prepare(Path.Combine(directory, "dsync.slots"));
        using var sync = File.OpenHandle(syncPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, FileOptions.WriteThrough);
        using var dataSync = DataSyncFile.OpenExisting(dataSyncPath);
        var buffer = new byte[Slot];
        var syncTimes = new double[count];
        var dataSyncTimes = new double[count];
        for (var i = 0; i < count * 2; i++)
        {
            Random.Shared.NextBytes(buffer.AsSpan(0, 64));
            Thread.Sleep(Pause);
            var handle = i % 2 == 0 ? sync : dataSync;
            var before = Stopwatch.GetTimestamp();
            RandomAccess.Write(handle, buffer, (i / 2 % 2) * (long)Slot);
            var ms = Stopwatch.GetElapsedTime(before).TotalMilliseconds;
            (i % 2 == 0 ? syncTimes : dataSyncTimes)[i / 2] = ms;
        }

        Array.Sort(syncTimes);
        Array.Sort(dataSyncTimes);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"RESULT writes={count} osync_p50_ms={syncTimes[count / 2]:F3} osync_p90_ms={syncTimes[count * 9 / 10]:F3} odsync_p50_ms={dataSyncTimes[count / 2]:F3} odsync_p90_ms={dataSyncTimes[count * 9 / 10]:F3}"));
    }

    /// <summary>Two zeroed slots, allocated and durable, as the manager creates its file.</summary>
    private static string Prepare(string path)
    {
        using (var create = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            create.Write(new byte[2 * Slot]);
            create.Flush(flushToDisk: true);
        }

        return path;
    }
}
