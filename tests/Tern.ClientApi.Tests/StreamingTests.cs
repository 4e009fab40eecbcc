using System.Net;

namespace Tern.ClientApi.Tests;

/// <summary>Alone in its collection: it counts the process's allocations, which other tests running beside it would add to.</summary>
[CollectionDefinition(nameof(StreamingTests), DisableParallelization = true)]
public sealed class StreamingCollection;

[Collection(nameof(StreamingTests))]
public sealed class StreamingTests : IAsyncLifetime, IDisposable
{
    private const long BodyBytes = 96L << 20;
    private readonly TempDirectory _directory = new("clientapi-stream");
    private ApiNode _node = null!;

    public async Task InitializeAsync() => _node = await ApiNode.StartAsync("a.example", _directory.Path);

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// A 96 MiB body streamed without Content-Length allocates a small fraction of itself in the whole process (client
    /// included): the node reads it chunk by chunk into pooled buffers and the transit store, never whole in memory.
    /// </summary>
    [Fact]
    public async Task A_large_streamed_submit_is_stored_whole_while_memory_stays_bounded()
    {
        var (alice, _) = _node.AddUser("alice");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/messages?to={Api.NewHash()}@b.example")
        {
            Content = new StreamContent(new GeneratedStream(BodyBytes), 64 * 1024),
        };
        request.Headers.TransferEncodingChunked = true;

        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var response = await alice.SendAsync(request);
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;

        var created = await Api.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(BodyBytes, created.GetProperty("size").GetInt64());
        Assert.True(allocated < BodyBytes / 6, $"{allocated} bytes allocated while streaming {BodyBytes}");

        // What was stored is what was sent.
        Assert.True(Tern.Engine.Protocol.MessageId.TryParse(created.GetProperty("messageId").GetString(), out var id));
        var capability = Assert.Single(_node.Node.Store.GetMessage(id, "alice")!.Deliveries).Capability;
        var expected = new GeneratedStream(BodyBytes);
        var stored = new byte[1 << 20];
        var wanted = new byte[stored.Length];
        for (long offset = 0; offset < BodyBytes; offset += stored.Length)
        {
            var n = await _node.Node.Store.ReadAsync(capability, offset, stored);
            expected.ReadExactly(wanted, 0, n);
            Assert.True(stored.AsSpan(0, n).SequenceEqual(wanted.AsSpan(0, n)), $"bytes differ in the MiB at {offset}");
        }
    }
}
