using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Contacts;
using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Engine.Bulk;

/// <summary>
/// A gateway's bulk next hops (docs/PROTOCOL.md §17.1, docs/OPERATIONS.md "Bulk next hops"): the deliveries of blobs held
/// here for a destination that <see cref="BulkRelayOptions.NextHops"/> routes through a peer gateway are held from the
/// scheduler (<see cref="IDeliveryHold"/>) and carried to that peer in bulk sessions, one loop per peer, each session in a
/// window of the contact plan at its rate and light time. A verified session receipt makes them Transferred (journaled);
/// what a session did not carry waits for the next, and what can no longer arrive before its expiry stays here to expire
/// once. The held set is in memory only: after a restart the scheduler loads the deliveries still Outstanding and asks
/// <see cref="IsHeld"/> again.
/// </summary>
public sealed partial class BulkRelay : IDeliveryHold, IAsyncDisposable
{
    private readonly TransitStore _store;
    private readonly IContactWindows _contacts;
    private readonly BulkRelayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, BulkRelayPeer> _routes = new(StringComparer.Ordinal);
    private readonly List<BulkRelayPeer> _peers = [];
    private readonly CancellationTokenSource _stop = new();
    private BulkSender? _sender;
    private IBulkPeerDirectory? _directory;
    private TimeSpan _minRemaining;

    /// <summary>Creates the relay; set it as (part of) the scheduler's <see cref="NotificationScheduler.Hold"/> before the scheduler starts.</summary>
    public BulkRelay(TransitStore store, IContactWindows contacts, BulkRelayOptions options, TimeProvider? timeProvider = null, ILogger<BulkRelay>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(contacts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _contacts = contacts;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var byGateway = new Dictionary<string, BulkRelayPeer>(StringComparer.Ordinal);
        foreach (var (destination, gateway) in options.NextHops)
        {
            var name = DomainName.Normalize(gateway);
            if (!byGateway.TryGetValue(name, out var peer))
            {
                byGateway[name] = peer = new BulkRelayPeer(name);
                _peers.Add(peer);
            }

            _routes[DomainName.Normalize(destination)] = peer;
        }
    }

    /// <summary>Sessions, transfers, blobs carried again.</summary>
    public BulkRelayCounters Counters { get; } = new();

    /// <summary>Whether any destination has a bulk next hop.</summary>
    public bool HasNextHops => _routes.Count > 0;

    /// <summary>Destination (normalized) → the peer gateway its blobs are carried to: the admin surface counts them against the peer's contacts.</summary>
    public IReadOnlyDictionary<string, string> NextHops
    {
        get
        {
            var map = new Dictionary<string, string>(_routes.Count, StringComparer.Ordinal);
            foreach (var (destination, peer) in _routes)
            {
                map[destination] = peer.Gateway;
            }

            return map;
        }
    }

    /// <summary>The peer gateway <paramref name="destination"/> (normalized) is carried to, or null when it has no next hop.</summary>
    public string? NextHopOf(string destination) => _routes.TryGetValue(destination, out var peer) ? peer.Gateway : null;

    /// <summary>Blob and destination pairs held for peers now, in sessions or waiting (a look-up each: for metrics and tests).</summary>
    public int HeldCount
    {
        get
        {
            var n = 0;
            foreach (var peer in _peers)
            {
                foreach (var ((id, domain), _) in peer.Held)
                {
                    // A pair whose deliveries ended (fetched, expired) is forgotten at the peer's next window: not counted.
                    n += _store.HasOutstanding(id, domain) ? 1 : 0;
                }
            }

            return n;
        }
    }

    /// <summary>
    /// Whether the deliveries of <paramref name="messageId"/> to <paramref name="domain"/> go to a bulk next hop: then they
    /// are held here for the peer's next session. Quick; allocates only the first time a pair is held.
    /// </summary>
    public bool IsHeld(MessageId messageId, string domain)
    {
        if (_routes.Count == 0 || !_routes.TryGetValue(domain, out var peer))
        {
            return false;
        }

        if (!peer.Held.ContainsKey((messageId, domain)) && peer.Held.TryAdd((messageId, domain), 0))
        {
            peer.Signal.Set();
        }

        return true;
    }

    /// <summary>
    /// Starts a loop per peer carrying its blobs with <paramref name="sender"/> (which the relay then owns and disposes) to
    /// the address <paramref name="directory"/> gives; <paramref name="minRemaining"/> is the sender's
    /// <see cref="BulkSenderOptions.MinRemaining"/>, below which a blob is not offered.
    /// </summary>
    public void Start(BulkSender sender, IBulkPeerDirectory directory, TimeSpan minRemaining)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(directory);
        if (_sender is not null)
        {
            throw new InvalidOperationException("The bulk relay is started already.");
        }

        _sender = sender;
        sender.TransferredLate = OnTransferredLate;
        _directory = directory;
        _minRemaining = minRemaining;
        _contacts.PlanChanged += OnPlanChanged;
        foreach (var peer in _peers)
        {
            peer.Loop = Task.Run(() => RunAsync(peer, _stop.Token));
        }
    }

    /// <summary>A late receipt transferred these (§17.6): they are no longer held here, counted once.</summary>
    private void OnTransferredLate(IReadOnlyList<BulkBlob> blobs)
    {
        foreach (var blob in blobs)
        {
            if (_routes.TryGetValue(blob.RecipientDomain, out var peer))
            {
                var key = (blob.MessageId, blob.RecipientDomain);
                peer.AwaitingReceipt.TryRemove(key, out _);
                if (peer.Held.TryRemove(key, out _))
                {
                    Counters.Transfer(1);
                }
            }
        }
    }

    private void OnPlanChanged()
    {
        foreach (var peer in _peers)
        {
            peer.PlanChanged.Set();
        }
    }

    /// <summary>
    /// Stops the loops, then the sender: sessions under way are cancelled (reason stopping) and their blobs stay
    /// Outstanding here, carried again after a restart.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _contacts.PlanChanged -= OnPlanChanged;
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var peer in _peers)
        {
            await peer.Loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_sender is { } sender)
        {
            await sender.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var peer in _peers)
        {
            await Task.WhenAll(peer.Sessions.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }
}
