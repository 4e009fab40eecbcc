using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Tern.Engine.Loops;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;
using Tern.Transports.Fetch;
using Tern.Transports.Fetch.Coverage;

namespace Tern.Fetch.Tests;

/// <summary>
/// docs/PROTOCOL.md §9 across a restart of the fetch server: the ranges a fetcher already has still count, so that a
/// fetcher resuming a large blob asks only for the rest (FetchServerOptions.CoverageFile).
/// </summary>
public sealed class CoverageRestartTests : IDisposable
{
    private readonly TempDirectory _directory = new("coverage");

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ranges_served_before_a_restart_count_with_the_rest_served_after_only_when_saved(bool saved)
    {
        var file = _directory.File("coverage.bin");
        await using var f = await FetchFixture.StartAsync(o => o.CoverageFile = saved ? file : null);
        var (cap, _) = await f.SubmitAsync(FetchFixture.Bytes(90_000, 11));
        using (var first = f.HttpClient())
        {
            await FetchFixture.GetRangeAsync(first, f.Http, cap.ToString(), 0, 59_999);
            await Eventually.AssertAsync(() => f.Server.Coverage.TrackedCount == 1);
        }

        await f.Server.StopAsync();
        Assert.Equal(saved, File.Exists(file));

        var options = new FetchServerOptions { CoverageFile = saved ? file : null };
        options.Listeners.Add(new FetchListener(FetchDoor.Http, new IPEndPoint(IPAddress.Loopback, 0), tls: false) { HttpProtocols = HttpProtocols.Http1 });
        await using var restarted = new FetchServer(f.Store, options);
        await restarted.StartAsync();
        Assert.Equal(saved ? 1 : 0, restarted.Coverage.TrackedCount);
        var http = new Uri($"http://127.0.0.1:{restarted.GetEndPoint(FetchDoor.Http, protocols: HttpProtocols.Http1).Port}");
        using var client = f.HttpClient();
        await FetchFixture.GetRangeAsync(client, http, cap.ToString(), 60_000, null);

        var expected = saved ? DeliveryState.Fetched : DeliveryState.Outstanding;
        Assert.Equal(expected, await f.WaitForStateAsync(cap, expected));
        if (!saved)
        {
            // Without the file the delivery counts again from its next whole fetch, as before.
            await client.GetByteArrayAsync(new Uri(http, "/v1/blobs/" + cap));
            Assert.Equal(DeliveryState.Fetched, await f.WaitForStateAsync(cap, DeliveryState.Fetched));
        }
    }

    [Fact]
    public async Task Restore_keeps_what_is_still_pending_and_sets_an_unreadable_file_aside()
    {
        var file = _directory.File("coverage.bin");
        await using var f = await FetchFixture.StartAsync();
        var (pending, _) = await f.SubmitAsync(FetchFixture.Bytes(5_000, 12));
        var (fetchedSince, _) = await f.SubmitAsync(FetchFixture.Bytes(5_000, 13));
        var logs = new ListLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var logger = loggers.CreateLogger("coverage");

        var before = new FetchCoverage(f.Store, 100, logger);
        Assert.False(before.SaveIfChanged(file));
        before.Record(pending, await BlobAsync(f, pending), 0, 1_000);
        before.Record(pending, await BlobAsync(f, pending), 3_000, 4_000);
        before.Record(fetchedSince, await BlobAsync(f, fetchedSince), 0, 2_000);
        Assert.True(before.SaveIfChanged(file));
        Assert.False(before.SaveIfChanged(file));
        Assert.True(await f.Store.MarkFetchedAsync(fetchedSince));

        var after = new FetchCoverage(f.Store, 100, logger);
        Assert.Equal(1, await after.RestoreAsync(file));
        Assert.Equal(1, after.TrackedCount);
        after.Record(pending, await BlobAsync(f, pending), 1_000, 3_000);
        Assert.Equal(DeliveryState.Outstanding, f.StateOf(pending));
        after.Record(pending, await BlobAsync(f, pending), 4_000, 5_000);
        Assert.Equal(DeliveryState.Fetched, await f.WaitForStateAsync(pending, DeliveryState.Fetched));

        // One flipped byte: the checksum catches it, the file is moved aside, and the tracker starts empty.
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[20] ^= 0x40;
        await File.WriteAllBytesAsync(file, bytes);
        var damaged = new FetchCoverage(f.Store, 100, logger);
        Assert.Equal(0, await damaged.RestoreAsync(file));
        Assert.Equal(0, damaged.TrackedCount);
        Assert.False(File.Exists(file));
        Assert.True(File.Exists(file + ".unreadable"));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("checksum", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_save_that_keeps_failing_is_counted_logged_once_and_retried_until_it_succeeds()
    {
        await using var f = await FetchFixture.StartAsync();
        var (capability, _) = await f.SubmitAsync(FetchFixture.Bytes(5_000, 14));
        var logs = new ListLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var coverage = new FetchCoverage(f.Store, 100, loggers.CreateLogger("coverage"));
        coverage.Record(capability, await BlobAsync(f, capability), 0, 1_000);

        // A directory that is not there yet: every save fails the same way, as on a full or read-only disk.
        var file = Path.Combine(_directory.File("later"), "coverage.bin");
        for (var i = 0; i < 3; i++)
        {
            Assert.False(coverage.SaveIfChanged(file));
        }

        Assert.Equal(3, coverage.SaveErrors.Count(LoopErrorKind.BackOff));
        Assert.Equal(1, logs.Entries.Count(e => e.EventId == 14));

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        Assert.True(coverage.SaveIfChanged(file));
        Assert.Equal(3, coverage.SaveErrors.Total);
    }

    private static async Task<BlobInfo> BlobAsync(FetchFixture f, FetchCapability capability) => (await f.Store.GetBlobAsync(capability))!.Value;
}
