namespace Tern.Economics.Tests;

public sealed class PendingStateTests
{
    [Fact]
    public void Each_store_s_log_is_counted_apart_from_its_checkpoints_and_the_rest()
    {
        var root = Directory.CreateTempSubdirectory("tern-pending-state-").FullName;
        try
        {
            void Write(string path, int bytes)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
                File.WriteAllBytes(Path.Combine(root, path), new byte[bytes]);
            }

            Write("refs/hlog.log.0", 1000);
            Write("refs/hlog.log.1", 360);
            Write("refs/checkpoints/cpr-1/info.dat", 500);
            Write("capabilities/hlog.log.0", 960);
            Write("capabilities/checkpoints/index-1/ht.dat", 700);
            Write("recipients/hlog.log.0", 640);
            Write("counters.bin", 30);
            Write("profiles.bin", 10);

            var state = PendingState.Measure(root, references: 10);
            Assert.Equal((1360, 960, 640, 1200, 40), (state.RefsLog, state.CapabilitiesLog, state.RecipientsLog, state.Checkpoints, state.Other));
            Assert.Equal(2960, state.Logs);
            Assert.Equal(4200, state.Total);
            Assert.Equal(420, state.PerReference(state.Total), 9);
            Assert.True(double.IsNaN(PendingState.Measure(root, references: 0).PerReference(state.Total)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Thread_cpu_counts_only_the_threads_named_so()
    {
        var pid = Environment.ProcessId;
        Assert.Equal(0, ProcIo.ThreadCpuSeconds(pid, "no-such-thread-"));
        // Every thread of this process matches the empty prefix, so together they are the process's CPU (within a tick
        // per thread, as the two reads are not at one instant, and threads that ended are only in the process's figure).
        Assert.InRange(ProcIo.ThreadCpuSeconds(pid, ""), 0, ProcIo.CpuSeconds(pid) + 1);
    }
}
