using System.Net;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Transit;
using Tern.Transports.Fetch;
using Tern.Transports.Udp;

namespace Tern.Load.E2e;

/// <summary>
/// a.example's sending half, composed as hosts/Tern.Cli/Demo/DemoDomain.cs composes it, on loopback: transit store
/// (default options), framed fetch door, notification scheduler with the protocol's own backoff (2 s doubling, 3600 s at most: the first
/// notification goes out when the submission is scheduled), <c>sendmmsg</c> transport behind a stamping decorator.
/// </summary>
internal sealed class E2eSender : IAsyncDisposable
{
    public const string Domain = "a.example";

    private readonly UdpNotificationTransport _transport;

    private E2eSender(DomainKeySet keys, TransitStore store, FetchServer fetch, UdpNotificationTransport transport, StageClock stages)
    {
        Keys = keys;
        Store = store;
        Fetch = fetch;
        _transport = transport;
        Scheduler = new NotificationScheduler(store, keys, Peers, new StampingTransport(transport, stages), new NotificationSchedulerOptions { FetchHints = [FramedUri] });
    }

    public DomainKeySet Keys { get; }

    public TransitStore Store { get; }

    public FetchServer Fetch { get; }

    public NotificationScheduler Scheduler { get; }

    public StaticPeerResolver Peers { get; } = new();

    /// <summary>The framed door, as the fetch hint of every notification and the descriptor's fetch entry.</summary>
    public string FramedUri => $"tern+tcp://127.0.0.1:{Fetch.GetEndPoint(FetchDoor.Framed).Port}";

    public static async Task<E2eSender> StartAsync(string directory, StageClock stages)
    {
        var keys = DomainKeySet.Generate(Domain);
        // The store a node runs with (default pages, chunks and buffers), not the demo's small one.
        var store = await TransitStore.OpenAsync(new TransitStoreOptions { DataDirectory = directory });
        var fetchOptions = new FetchServerOptions();
        fetchOptions.Listeners.Add(new FetchListener(FetchDoor.Framed, new IPEndPoint(IPAddress.Loopback, 0), tls: false));
        var fetch = new FetchServer(store, fetchOptions);
        await fetch.StartAsync();
        return new E2eSender(keys, store, fetch, new UdpNotificationTransport(batch: 16, sendBufferBytes: 1 << 20), stages);
    }

    public async ValueTask DisposeAsync()
    {
        Scheduler.Dispose();
        _transport.Dispose();
        await Fetch.DisposeAsync();
        await Store.DisposeAsync();
        Keys.Dispose();
    }
}
