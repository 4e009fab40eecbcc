using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Pull;
using Tern.Engine.Transit;

namespace Tern.Load.E2e;

/// <summary>
/// a.example, the sending side: a node (<see cref="E2eNode"/>) with the transit store's default options, its framed
/// fetch door, the delivery scheduler with the protocol's own backoff (2 s doubling, 3600 s at most: the first
/// notification goes out when the submission is scheduled) and its <c>sendmmsg</c> transport behind a stamping decorator.
/// </summary>
internal sealed class E2eSender : IAsyncDisposable
{
    public const string Domain = "a.example";

    private readonly E2eNode _node;

    private E2eSender(E2eNode node) => _node = node;

    public DomainKeySet Keys => _node.Node.Keys;

    public TransitStore Store => _node.Node.Store;

    public NotificationScheduler Scheduler => _node.Node.Scheduler;

    public StaticPeerResolver Peers => _node.Peers;

    /// <summary>The framed door, as the fetch hint of every notification and the descriptor's fetch entry.</summary>
    public string FramedUri => $"tern+tcp://127.0.0.1:{_node.Node.FramedEndPoint!.Port}";

    public static async Task<E2eSender> StartAsync(string directory, StageClock stages)
    {
        // a.example pulls nothing in this run.
        var node = await E2eNode.StartAsync(Domain, directory, new StaticDescriptorResolver(), decorators => decorators.Transport = transport => new StampingTransport(transport, stages));
        return new E2eSender(node);
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
