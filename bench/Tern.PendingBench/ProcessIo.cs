namespace Tern.PendingBench;

/// <summary>
/// What a pass of polls cost this process besides its wall time: read syscalls (a reference off the table's log memory is
/// one <c>pread</c> by FASTER's device), bytes the disk delivered (page-cache misses; /proc/self/io <c>read_bytes</c>),
/// garbage collections and their pauses, the thread pool's threads at the end (each blocked read holds one), context
/// switches, and the threads' time on a CPU and waiting for one.
/// </summary>
internal readonly record struct ProcessIo(long ReadCalls, long DiskReadBytes, int Collections, TimeSpan GcPause, long ContextSwitches, long OnCpuNs, long RunQueueNs)
{
    public static ProcessIo Now()
    {
        long readCalls = -1, diskBytes = -1, switches = 0;
        foreach (var line in File.ReadLines("/proc/self/io"))
        {
            if (line.StartsWith("syscr:", StringComparison.Ordinal))
            {
                readCalls = long.Parse(line.AsSpan(6).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("read_bytes:", StringComparison.Ordinal))
            {
                diskBytes = long.Parse(line.AsSpan(11).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
            {
                switches += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        // Each thread's time on a CPU and time runnable but waiting for one (/proc/<tid>/schedstat): on a loaded machine
        // the second is where a poll's completions wait once their reads are done.
        long onCpu = 0, runQueue = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var fields = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                onCpu += long.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture);
                runQueue += long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }

        return new ProcessIo(readCalls, diskBytes, GC.CollectionCount(0), GC.GetTotalPauseDuration(), switches, onCpu, runQueue);
    }

    /// <summary>The pass's figures per poll, as <c>key=value</c> fields for the result line.</summary>
    public static string PerPoll(ProcessIo before, ProcessIo after, int polls)
        => $"reads_per_poll={(double)(after.ReadCalls - before.ReadCalls) / polls:F1} disk_kib_per_poll={(after.DiskReadBytes - before.DiskReadBytes) / 1024.0 / polls:F1} " +
           $"gcs={after.Collections - before.Collections} gc_pause_ms={(after.GcPause - before.GcPause).TotalMilliseconds:F1} " +
           $"pool_threads={ThreadPool.ThreadCount} ctx_switches_per_poll={(double)(after.ContextSwitches - before.ContextSwitches) / polls:F1} " +
           $"cpu_us_per_poll={(after.OnCpuNs - before.OnCpuNs) / 1000.0 / polls:F1} runq_wait_us_per_poll={(after.RunQueueNs - before.RunQueueNs) / 1000.0 / polls:F1}";
}
