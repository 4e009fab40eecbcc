using System.Net;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Pending;
using Tern.Engine.Pull;

namespace Tern.Load.E2e;

/// <summary>
/// b.example, the receiving side: a node (<see cref="E2eNode"/>) with its UDP notification port (<c>recvmmsg</c>), ingest,
/// pending table (small, as before the node composed it), immediate pull queue, pull worker (framed fetches over plain TCP, allowed on
/// loopback only) and the durable message store. The ingest's sink and the worker's fetch sources are wrapped to stamp
/// the stages; <see cref="PullWorker.Completed"/> reports the message durably stored.
/// </summary>
internal sealed class E2eRecipient : IAsyncDisposable
{
    public const string Domain = "b.example";

    private readonly E2eNode _node;

    private E2eRecipient(E2eNode node) => _node = node;

    public DomainKeySet Keys => _node.Node.Keys;

    public PendingTable Pending => _node.Node.Pending;

    public PendingTableSink Sink => _node.Node.Sink;

    public MessageStore Messages => _node.Node.Messages;

    public PullWorker Puller => _node.Node.Puller;

    public PullPreferenceTable Preferences => _node.Node.Preferences;

    public IPEndPoint NotifyEndPoint => _node.Node.NotifyEndPoint;

    public static async Task<E2eRecipient> StartAsync(string directory, IDescriptorResolver descriptors, StageClock stages)
    {
        var node = await E2eNode.StartAsync(Domain, directory, descriptors, decorators =>
            {
                decorators.Sink = sink => new StampingSink(sink, stages);
                decorators.FetchSources = sources => new StampingSources(sources, stages);
            },
            new Dictionary<string, string?> { ["Tern:Pull:MaxConcurrentPulls"] = "2", ["Tern:Pull:MaxConcurrentPerSenderDomain"] = "2" });
        return new E2eRecipient(node);
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
