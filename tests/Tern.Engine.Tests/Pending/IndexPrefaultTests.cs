using FASTER.core;
using Tern.Engine.Pending;
using static Tern.Engine.Tests.Pending.PendingFixture;

namespace Tern.Engine.Tests.Pending;

public sealed class IndexPrefaultTests : IDisposable
{
    private readonly PendingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void The_index_of_the_pinned_FASTER_version_is_found_and_committed()
    {
        using var device = new NullDevice();
        using var settings = new FasterKVSettings<long, long> { IndexSize = 1L << 24, LogDevice = device, PageSize = 1L << 14, MemorySize = 1L << 16 };
        using var store = new FasterKV<long, long>(settings);

        // Found by reflection on the pinned layout and accepted by the kernel (RSS is too noisy to assert on in a shared test run).
        Assert.True(IndexPrefault.TryPopulate(store));
        var functions = new SimpleFunctions<long, long>();
        using var session = store.For(functions).NewSession(functions);
        session.Upsert(1, 2);
        var (status, value) = session.Read(1);
        Assert.True(status.Found);
        Assert.Equal(2, value);
    }

    [Fact]
    public void A_table_opened_with_committed_indexes_files_and_polls_as_usual()
    {
        using var table = _fixture.Open(o =>
        {
            o.PrefaultIndexes = true;
            o.PreallocateLogMemory = true;
        });

        Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(1), Hash(1)).Status);
        Assert.Equal(PendingInsertStatus.Duplicate, Insert(table, Capability(1), Hash(1)).Status);
        Assert.Equal(Capability(1), Assert.Single(PollAll(table, Hash(1))).Capability);
    }
}
