using Tern.Engine.Pending;
using static Tern.Engine.Tests.Pending.PendingFixture;

namespace Tern.Engine.Tests.Pending;

public sealed class PendingSessionPoolTests : IDisposable
{
    private readonly PendingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task More_callers_than_sessions_wait_their_turn_and_all_complete()
    {
        using var table = _fixture.Open(o => o.MaxSessions = 1);
        const int PerThread = 500;
        var work = Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                var index = (t * PerThread) + i;
                Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(index), Hash(index % 8)).Status);
                table.Poll(Hash(index % 8), 0, 10);
            }
        })));

        await work.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(4 * PerThread, table.Count);
        Assert.Equal(4 * PerThread, Enumerable.Range(0, 8).Sum(h => PollAll(table, Hash(h)).Count));
    }
}
