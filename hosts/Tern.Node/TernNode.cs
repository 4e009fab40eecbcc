using System.Net;
using Microsoft.Extensions.Options;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Pending;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;
using Tern.Engine.Transit;
using Tern.Transports.Fetch;
using Tern.Transports.Udp;

namespace Tern.Node;

/// <summary>
/// The running node's parts, for the host's stages that open and start them (in <see cref="TernServiceCollectionExtensions.AddTernNode"/>'s
/// order) and for whoever drives the node in-process (the demo, the tests' harness, the benchmarks, later the client API).
/// A part is set once its stage has started; <see cref="Ready"/> completes when every stage has.
/// </summary>
public sealed class TernNode
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Created by the container.</summary>
    public TernNode(IOptions<TernNodeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        Preferences = new PullPreferenceTable(Options.PullPreference);
        StopBudget = new StopBudget(Options);
    }

    /// <summary>The stop's one clock, shared by the stages' drains and the checkpoint.</summary>
    internal StopBudget StopBudget { get; }

    /// <summary>The node's own options.</summary>
    public TernNodeOptions Options { get; }

    /// <summary>The domain's current key set, from <c>keys/</c>: the new one from a rotation's <c>rotates_at</c> on.</summary>
    public DomainKeySet Keys { get; internal set; } = null!;

    /// <summary>
    /// The domain's key sets across a key rotation (docs/PROTOCOL.md §16); <see cref="Keys"/> is its current one. Owns every
    /// key set.
    /// </summary>
    public DomainKeyRotation KeyRotation { get; internal set; } = null!;

    /// <summary>How long the descriptor the node serves is valid (<c>Tern:WellKnown:Validity</c>): a key rotation's overlap must be longer.</summary>
    public TimeSpan DescriptorValidity { get; internal set; } = new WellKnownOptions().Validity;

    /// <summary>Receive keys derived in advance for the peers this node notifies or pulls from.</summary>
    public KnownPeerKeys KnownPeers { get; internal set; } = null!;

    /// <summary>The key records this domain signs for its users and serves to other domains (docs/PROTOCOL.md §14).</summary>
    public PublishedUserKeys UserKeys { get; internal set; } = null!;

    /// <summary>The sender's transit store.</summary>
    public TransitStore Store { get; internal set; } = null!;

    /// <summary>The recipient's pending table.</summary>
    public PendingTable Pending { get; internal set; } = null!;

    /// <summary>Messages this node pulled.</summary>
    public MessageStore Messages { get; internal set; } = null!;

    /// <summary>The durable record of the pulls begun (docs/ARCHITECTURE.md §5.6).</summary>
    public PullJournal PullJournal { get; internal set; } = null!;

    /// <summary>The fetch doors' shared state (coverage, connection counters, listeners), or null when the node has no door.</summary>
    public FetchDoors? Fetch { get; internal set; }

    /// <summary>The notification scheduler (notifications and their retransmission).</summary>
    public NotificationScheduler Scheduler { get; internal set; } = null!;

    /// <summary>The sendmmsg socket the scheduler sends notifications through (its counters).</summary>
    public UdpNotificationTransport Transport { get; internal set; } = null!;

    /// <summary>The gateway side of responsibility transfer, in the Gateway role (docs/PROTOCOL.md §10.4); otherwise null.</summary>
    public Tern.Engine.Custody.CustodyGateway? Gateway { get; internal set; }

    /// <summary>The contact plan in force, in the Gateway role (docs/OPERATIONS.md, "Contact plans"); otherwise null.</summary>
    public Tern.Engine.Contacts.ContactWindows? Contacts { get; internal set; }

    /// <summary>The file the contact plan is read from and written to, in the Gateway role; otherwise null.</summary>
    public string? ContactPlanPath { get; internal set; }

    /// <summary>
    /// The bulk next hops (docs/PROTOCOL.md §17.1), in the Gateway role when <c>Tern:Gateway:Bulk:NextHops</c> names one;
    /// otherwise null.
    /// </summary>
    public Tern.Engine.Bulk.BulkRelay? BulkRelay { get; internal set; }

    /// <summary>The bulk port's sender, in the Gateway role with a bulk port; otherwise null.</summary>
    public Tern.Engine.Bulk.BulkSender? BulkSender { get; internal set; }

    /// <summary>The bulk port's receiver, in the Gateway role with a bulk port; otherwise null.</summary>
    public Tern.Engine.Bulk.BulkReceiver? BulkReceiver { get; internal set; }

    /// <summary>What arrived at the bulk port and where it went, in the Gateway role with a bulk port; otherwise null.</summary>
    public Tern.Engine.Bulk.BulkPortRouter? BulkPort { get; internal set; }

    /// <summary>The bound bulk port (<c>Tern:Gateway:Bulk:Endpoint</c>), or null: only a gateway opens one.</summary>
    public IPEndPoint? BulkEndPoint { get; internal set; }

    /// <summary>The sender side of responsibility transfer, when <c>Tern:Routes</c> routes a destination (§10.5); otherwise null.</summary>
    public Tern.Engine.Custody.CustodySender? Custody { get; internal set; }

    /// <summary>The pull worker.</summary>
    public PullWorker Puller { get; internal set; } = null!;

    /// <summary>Hands immediate pulls from the ingest to the worker.</summary>
    public ImmediatePullQueue PullQueue { get; internal set; } = null!;

    /// <summary>What the ingest hands immediate pulls to: the queue, through the record of pulls a stop may cut.</summary>
    internal IImmediatePullQueue ImmediatePulls { get; set; } = null!;

    /// <summary>The pull preferences the ingest consults (docs/PROTOCOL.md §4.4).</summary>
    public PullPreferenceTable Preferences { get; }

    /// <summary>The ingest's sink into the pending table.</summary>
    public PendingTableSink Sink { get; internal set; } = null!;

    /// <summary>The notification ingest.</summary>
    public NotificationIngest Ingest { get; internal set; } = null!;

    /// <summary>The UDP notification port (<see cref="TernNodeOptions.NotifyEndpoint"/>), the first of <see cref="Listeners"/>.</summary>
    public UdpNotificationListener Listener { get; internal set; } = null!;

    /// <summary>Every notification port: <see cref="Listener"/>, then one for each of <see cref="TernNodeOptions.MoreNotifyEndpoints"/>, each with its own ingest.</summary>
    public IReadOnlyList<UdpNotificationListener> Listeners { get; internal set; } = [];

    /// <summary>The client API's bound listener (set by its stage when the host composes one), or null.</summary>
    public IPEndPoint? ClientApiEndPoint { get; set; }

    /// <summary>The signed descriptor the HTTP door serves at <c>/.well-known/tern</c> now (docs/PROTOCOL.md §6.2), or null when the node has no door.</summary>
    public ReadOnlyMemory<byte>? ServedDescriptor { get; internal set; }

    /// <summary>What the pending table's periodic checkpoints and expiry sweeps have done.</summary>
    public PendingMaintenanceCounters PendingMaintenance { get; } = new();

    /// <summary>The admin surface's bound listener (set by its stage when the host composes one), or null.</summary>
    public IPEndPoint? AdminEndPoint { get; set; }

    /// <summary>The sender domains the operator blocked (<c>blocks.txt</c>), which the ingest drops as <c>blocked</c>.</summary>
    public DomainBlockList Blocks { get; } = new();

    /// <summary>True from the moment a stop begins: the node no longer reports itself ready.</summary>
    public bool Stopping => StopBudget.Started;

    /// <summary>Completes when every stage has started.</summary>
    public Task Ready => _ready.Task;

    /// <summary>The domain this node serves.</summary>
    public string Domain => Keys.Domain;

    /// <summary>The bound notification port.</summary>
    public IPEndPoint NotifyEndPoint => Listener.LocalEndpoint;

    /// <summary>Every bound notification port, <see cref="NotifyEndPoint"/> first.</summary>
    public IEnumerable<IPEndPoint> NotifyEndPoints => Listeners.Select(l => l.LocalEndpoint);

    /// <summary>The bound framed door, or null when none is configured.</summary>
    public IPEndPoint? FramedEndPoint => Find(FetchDoor.Framed);

    /// <summary>The bound HTTP door, or null when none is configured.</summary>
    public IPEndPoint? HttpEndPoint => Find(FetchDoor.Http);

    /// <summary>The fetch hints announced: the configured ones, else the bound framed door.</summary>
    public IReadOnlyList<string> FetchHints => Options.FetchHints.Count > 0 ? [.. Options.FetchHints] : BoundDoors();

    /// <summary>The bound framed door; a gateway lists its HTTP door too, where senders offer blobs (docs/PROTOCOL.md §10.3).</summary>
    private List<string> BoundDoors()
    {
        var doors = new List<string>(2);
        if (FramedEndPoint is { } framed)
        {
            doors.Add($"tern+tcp://{framed}");
        }

        if (Options.Role == NodeRole.Gateway && HttpEndPoint is { } http)
        {
            doors.Add($"{((Options.HttpTls ?? Options.FetchTls) ? "https" : "http")}://{http}");
        }

        return doors;
    }

    /// <summary>This domain's signed descriptor: its notification port and fetch hints (docs/PROTOCOL.md §6).</summary>
    public DomainDescriptor Describe(TimeSpan validity) => DomainDescriptor.For(Keys, [$"udp://{NotifyEndPoint}"], FetchHints, validity);

    internal void MarkReady() => _ready.TrySetResult();

    internal void MarkFailed(Exception e) => _ready.TrySetException(e);

    private IPEndPoint? Find(FetchDoor door)
    {
        if (Fetch is null)
        {
            return null;
        }

        foreach (var listener in Fetch.Options.Listeners)
        {
            if (listener.Door == door && listener.BoundEndPoint is { } bound)
            {
                return bound;
            }
        }

        return null;
    }
}
