using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

public sealed class TransitConcurrencyTests : IDisposable
{
    private readonly TempDirectory _directory = new("transit");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Concurrent_submitters_share_commits_and_every_blob_reads_back()
    {
        const int Submitters = 48;
        const int PerSubmitter = 15;
        var time = new ManualClock(Start);
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), time);
        var results = new (byte[] Content, SubmissionResult Result)[Submitters * PerSubmitter];
        var commitsBefore = store.CommitCount;

        var tasks = new Task[Submitters];
        for (var s = 0; s < Submitters; s++)
        {
            var submitter = s;
            tasks[s] = Task.Run(async () =>
            {
                for (var i = 0; i < PerSubmitter; i++)
                {
                    var index = (submitter * PerSubmitter) + i;
                    var content = Bytes(index % 7 == 0 ? ChunkSize * 3 : 1024, index);
                    var result = await store.SubmitAsync(Request(Start.AddHours(1 + (index % 50)), $"account{submitter % 4}", "a.example", "b.example"), Stream(content, index % 2 == 0));

                    // Reads and state changes interleave with other submitters' writes.
                    Assert.Equal(content, await ReadAllAsync(store, result.Capabilities[1], content.Length));
                    if (i % 3 == 0)
                    {
                        Assert.True(await store.MarkFetchedAsync(result.Capabilities[0]));
                    }

                    results[index] = (content, result);
                }
            });
        }

        await Task.WhenAll(tasks);
        var commits = store.CommitCount - commitsBefore;
        Assert.True(commits < results.Length, $"{commits} commits for {results.Length} submissions: no group commit");

        foreach (var (content, result) in results)
        {
            Assert.Equal(content, await ReadAllAsync(store, result.Capabilities[0], content.Length));
        }

        long pending = 0;
        for (var a = 0; a < 4; a++)
        {
            pending += store.GetAccountStats($"account{a}").Outstanding;
        }

        Assert.Equal((results.Length * 2) - (Submitters * ((PerSubmitter + 2) / 3)), pending);
    }

    [Fact]
    public async Task Many_first_submissions_to_a_new_bucket_wait_for_one_open_without_starving_the_pool()
    {
        // Opening a bucket's log reads its device, whose reads complete on the thread pool. Opened under the index lock,
        // 64 submissions held every pool thread waiting on the lock for the one completion the open needed, and took
        // ~50 s (the pool adding a thread at a time); opened outside it, they take well under a second.
        const int Submitters = 64;
        var time = new ManualClock(Start);
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), time);
        var contents = new byte[Submitters][];
        var tasks = new Task<SubmissionResult>[Submitters];
        for (var s = 0; s < Submitters; s++)
        {
            var index = s;
            contents[s] = Bytes(ChunkSize * 2, index);
            tasks[s] = Task.Run(() => store.SubmitAsync(Request(Start.AddHours(1), "alice", "b.example"), Stream(contents[index], index % 2 == 0)));
        }

        var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(20));
        for (var s = 0; s < Submitters; s++)
        {
            Assert.Equal(contents[s], await ReadAllAsync(store, results[s].Capabilities[0], contents[s].Length));
        }

        Assert.Single(Directory.GetDirectories(Path.Combine(_directory.Path, "transit", "blobs")));
    }
}
