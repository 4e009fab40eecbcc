namespace Tern.Economics.Tests;

public sealed class ProcReadersTests
{
    // A /proc/<pid>/stat line whose command holds a space and a parenthesis: utime 250, stime 50, cutime 30, cstime 20.
    private const string Stat = "1234 (tern (x) run) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 12 0 100 1000 10";

    [Fact]
    public void Stat_cpu_counts_user_and_system_ticks_after_the_command()
    {
        Assert.Equal(3.0, ProcIo.StatCpuSeconds(Stat), 9);
        Assert.Equal(3.5, ProcessTree.WithChildren(Stat), 9);
    }

    [Fact]
    public void Io_field_is_read_by_name()
    {
        const string Io = "rchar: 100\nwchar: 200\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n";
        Assert.Equal(8192, ProcIo.Field(Io, "write_bytes"));
        Assert.Equal(0, ProcIo.Field(Io, "cancelled_write_bytes"));
        Assert.Throws<FormatException>(() => ProcIo.Field(Io, "missing"));
    }

    [Fact]
    public void The_readers_read_this_process()
    {
        var pid = Environment.ProcessId;
        var own = ProcIo.CpuSeconds(pid);
        Assert.True(own >= 0);
        Assert.True(ProcIo.WriteBytes(pid) >= 0);
        // Read after the process's own figure, which only grows: the tree holds at least what the process had then.
        Assert.True(ProcessTree.CpuSeconds(pid) >= own);
    }

    [Fact]
    public void Metric_sums_a_counter_across_its_labels_and_ignores_longer_names()
    {
        const string Text = "# TYPE tern_fetch_served_bytes_total counter\ntern_fetch_served_bytes_total{door=\"a\"} 100\ntern_fetch_served_bytes_total{door=\"b\"} 50\ntern_fetch_served_bytes_total_other 7\n";
        Assert.Equal(150, NodeSnapshot.Metric(Text, "tern_fetch_served_bytes_total"));
    }

    [Fact]
    public void Pending_reference_figures_are_read_from_the_pending_report()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "| RSS at 10000000 refs | 1885 MiB (197.61 B/ref; 191.09 B/ref above) | x |\n| disk at 10000000 refs (after checkpoint) | 4659 MiB (488.52 B/ref) | — |\n");
        try
        {
            Assert.Equal((197.61, 488.52), Report.PendingReference(file));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
