using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;
using Tern.Engine.Transit;

namespace Tern.Engine.Custody;

/// <summary>
/// The sender's side of responsibility transfer (docs/PROTOCOL.md §10.5): deliveries to a destination its routes send
/// through a gateway are held from the scheduler (<see cref="IDeliveryHold"/>) and offered to the gateway instead, one
/// offer per blob and destination, repeated until a receipt verifies (the deliveries become Transferred, journaled), a
/// decline that holds or a refused receipt (the hold is released and the node notifies them itself), or expiry. Offers
/// are in memory only: after a restart the scheduler loads the deliveries still Outstanding, asks
/// <see cref="IsHeld"/>, and the offers start again.
/// </summary>
public sealed partial class CustodySender : IDeliveryHold, IAsyncDisposable
{
    private readonly TransitStore _store;
    private readonly Func<IDomainKeys> _keys;
    private readonly IDescriptorResolver _descriptors;
    private readonly ICustodyOfferClient _client;
    private readonly CustodySenderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, string> _routes;
    private readonly ConcurrentDictionary<(MessageId, string), Task> _offers = new();
    private readonly ConcurrentDictionary<(MessageId, string), byte> _released = new();
    private readonly ConcurrentDictionary<(MessageId, string), CustodyOfferStatus> _status = new();
    private readonly SemaphoreSlim _concurrency;
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Creates the sender side; set it as the scheduler's <see cref="NotificationScheduler.Hold"/> before the scheduler starts.</summary>
    public CustodySender(TransitStore store, Func<IDomainKeys> keys, IDescriptorResolver descriptors, ICustodyOfferClient client, CustodySenderOptions options, TimeProvider? timeProvider = null, ILogger<CustodySender>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(descriptors);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _keys = keys;
        _descriptors = descriptors;
        _client = client;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _routes = options.Routes.ToDictionary(r => DomainName.Normalize(r.Key), r => DomainName.Normalize(r.Value), StringComparer.Ordinal);
        _concurrency = new SemaphoreSlim(options.MaxConcurrentOffers);
    }

    /// <summary>Offers made, receipts refused, transfers.</summary>
    public CustodyCounters Counters { get; } = new();

    /// <summary>Whether any destination is routed through a gateway.</summary>
    public bool HasRoutes => _routes.Count > 0;

    /// <summary>Offers under way (tests).</summary>
    public int OffersInFlight => _offers.Count;

    /// <summary>
    /// Where the offer of <paramref name="messageId"/>'s deliveries to <paramref name="domain"/> stands while it is being
    /// repeated (a user's status shows why a delivery waits); null when none is under way (never routed, transferred, or
    /// released to be notified by this node).
    /// </summary>
    public CustodyOfferStatus? OfferStatus(MessageId messageId, string domain) =>
        _status.TryGetValue((messageId, DomainName.Normalize(domain)), out var status) ? status : null;

    /// <summary>
    /// Whether the deliveries of <paramref name="messageId"/> to <paramref name="domain"/> are held for a gateway: their
    /// destination is routed and no decline or refused receipt released them. The scheduler asks when one comes due, so
    /// this is also where the offer starts (once per blob and destination; after a restart, when the scheduler loads the
    /// deliveries still Outstanding).
    /// </summary>
    public bool IsHeld(MessageId messageId, string domain)
    {
        if (_routes.Count == 0 || !_routes.TryGetValue(domain, out var gateway) || _released.ContainsKey((messageId, domain)))
        {
            return false;
        }

        if (!_offers.ContainsKey((messageId, domain)))
        {
            Offer(messageId, domain, gateway);
        }

        return true;
    }

    /// <summary>Stops the offers under way; the deliveries stay Outstanding and are offered again at the next start.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var offer in _offers.Values)
        {
            try
            {
                await offer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
        _concurrency.Dispose();
    }

    private void Offer(MessageId messageId, string domain, string gateway)
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        var started = new TaskCompletionSource();
        var run = started.Task.ContinueWith(_ => RunOfferAsync(messageId, domain, gateway, _stop.Token), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        if (_offers.TryAdd((messageId, domain), run))
        {
            started.SetResult();
        }
    }
}
