using System.Net;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Pending;
using Tern.Engine.Pull;
using Tern.Transports.Fetch.Client;
using Tern.Transports.Udp;

namespace Tern.Load.E2e;

/// <summary>
/// b.example's receiving half, composed as hosts/Tern.Cli/Demo/DemoDomain.cs composes it, on loopback: UDP notification
/// port (<c>recvmmsg</c>), ingest, pending table, immediate pull queue, pull worker (framed fetches over plain TCP, allowed
/// on loopback only) and the durable message store. The ingest's sink and the worker's fetch sources are wrapped to stamp
/// the stages; <see cref="PullWorker.Completed"/> reports the message durably stored.
/// </summary>
internal sealed class E2eRecipient : IAsyncDisposable
{
    public const string Domain = "b.example";

    private readonly HttpClient _http = new();
    private readonly FetchSourceFactory _sources;
    private readonly ImmediatePullQueue _pullQueue;

    public E2eRecipient(string directory, IDescriptorResolver descriptors, StageClock stages)
    {
        Keys = DomainKeySet.Generate(Domain);
        Pending = new PendingTable(PendingTableOptions.Small(Path.Combine(directory, "pending")));
        Messages = new MessageStore(new MessageStoreOptions { DataDirectory = directory });
        _sources = new FetchSourceFactory(_http, allowPlainTextOnLoopback: true);
        Puller = new PullWorker(Pending, Messages, descriptors, new StampingSources(_sources, stages), new PullWorkerOptions { MaxConcurrentPulls = 2 });
        Puller.Start();
        _pullQueue = new ImmediatePullQueue(Pending, Puller);
        _pullQueue.Start();
        Sink = new PendingTableSink(Pending, _pullQueue);
        var ingest = new NotificationIngest(Keys, new StampingSink(Sink, stages), Preferences, new IngestOptions { PeerKeyCacheCapacity = 1024, SourceTableSlots = 1024 });
        Listener = new UdpNotificationListener(
            new UdpListenerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), ReceiveBufferBytes = 1 << 20 },
            ingest);
        Listener.Start();
    }

    public DomainKeySet Keys { get; }

    public PendingTable Pending { get; }

    public PendingTableSink Sink { get; }

    public MessageStore Messages { get; }

    public PullWorker Puller { get; }

    public PullPreferenceTable Preferences { get; } = new();

    public UdpNotificationListener Listener { get; }

    public async ValueTask DisposeAsync()
    {
        Listener.Dispose();
        await _pullQueue.DisposeAsync();
        await Puller.DisposeAsync();
        await _sources.DisposeAsync();
        _http.Dispose();
        Pending.Dispose();
        Keys.Dispose();
    }
}
