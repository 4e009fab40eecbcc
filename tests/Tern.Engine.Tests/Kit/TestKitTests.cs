namespace Tern.Engine.Tests.Kit;

/// <summary>The shared test kit (tests/Tern.Testing) does what the tests that lean on it assume.</summary>
public sealed class TestKitTests
{
    [Fact]
    public void The_manual_clock_moves_wall_time_and_timestamps_together_and_only_forward()
    {
        var start = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var clock = new ManualClock(start);
        var before = clock.GetTimestamp();

        clock.Advance(TimeSpan.FromMilliseconds(1500));

        Assert.Equal(start.AddMilliseconds(1500), clock.GetUtcNow());
        Assert.Equal(start.AddMilliseconds(1500).ToUnixTimeMilliseconds(), clock.NowMs);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), clock.GetElapsedTime(before));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(-1)));
        Assert.Equal(1_800_000_000_123, new ManualClock(1_800_000_000_123).NowMs);
    }

    [Fact]
    public async Task Eventually_returns_once_the_condition_holds_and_reports_one_that_never_does()
    {
        var flag = 0;
        _ = Task.Run(() => Volatile.Write(ref flag, 1));
        Assert.True(await Eventually.TrueAsync(() => Volatile.Read(ref flag) == 1));

        Assert.False(await Eventually.TrueAsync(() => false, TimeSpan.FromMilliseconds(30)));
        var failure = await Assert.ThrowsAsync<Xunit.Sdk.TrueException>(() => Eventually.AssertAsync(() => flag == 2, TimeSpan.FromMilliseconds(30)));
        Assert.Contains("flag == 2", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_temp_directory_sizes_its_files_and_is_gone_after_dispose()
    {
        string path;
        using (var directory = new TempDirectory("kit"))
        {
            path = directory.Path;
            Assert.True(Directory.Exists(path));
            Assert.StartsWith("kit-", Path.GetFileName(path), StringComparison.Ordinal);
            Directory.CreateDirectory(directory.File("a", "commits"));
            File.WriteAllBytes(directory.File("a", "data"), new byte[100]);
            File.WriteAllBytes(directory.File("a", "commits", "1"), new byte[7]);

            Assert.Equal(107, directory.SizeOfFiles());
            Assert.Equal(100, directory.SizeOfFiles("a", include: f => !f.Contains("commits", StringComparison.Ordinal)));
        }

        Assert.False(Directory.Exists(path));
    }
}
