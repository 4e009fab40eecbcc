using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Contacts;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Custody;
using Tern.Engine.Protocol.Receipts;
using Tern.Engine.Pull;
using Tern.Engine.Transit;

namespace Tern.Engine.Custody;

/// <summary>
/// The gateway's side of responsibility transfer (docs/PROTOCOL.md §10.4): answers offers, deciding everything it can
/// before fetching a byte, fetches an accepted blob with the offer's transfer capability from the sender's own doors,
/// checks it against the offered size and payload hash chunk by chunk, commits it to its transit store as a blob held for
/// the sender domain (its account) with one fresh capability per recipient, and signs the receipt. The store's ciphertext
/// is all it ever holds. Idempotent on (message id, recipient domain): a repeated offer gets the same receipt, or
/// <c>in_progress</c> while the transfer runs. Thread-safe.
/// </summary>
public sealed partial class CustodyGateway : IAsyncDisposable
{
    private readonly TransitStore _store;
    private readonly Func<IDomainKeys> _keys;
    private readonly IDescriptorResolver _descriptors;
    private readonly IFetchSourceFactory _sources;
    private readonly CustodyGatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _incoming;
    private readonly SenderAllowList _senders;
    private readonly HashSet<string> _destinations;
    private readonly ConcurrentDictionary<MessageId, Transfer> _running = new();
    private readonly CancellationTokenSource _stop = new();

    /// <summary>
    /// Creates the gateway over <paramref name="store"/>; transfers under way keep their partial files in
    /// <c>&lt;dataDirectory&gt;/custody/incoming/</c>. <paramref name="keys"/> gives the domain's current key set (it may
    /// rotate). Hook <see cref="Committed"/> to the scheduler so that committed blobs are notified.
    /// </summary>
    public CustodyGateway(TransitStore store, Func<IDomainKeys> keys, IDescriptorResolver descriptors, IFetchSourceFactory sources, CustodyGatewayOptions options, string dataDirectory, TimeProvider? timeProvider = null, ILogger<CustodyGateway>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(descriptors);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        options.Validate();
        _store = store;
        _keys = keys;
        _descriptors = descriptors;
        _sources = sources;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _senders = new SenderAllowList(options.Senders);
        _destinations = new HashSet<string>(options.Destinations.Select(DomainName.Normalize), StringComparer.Ordinal);
        _incoming = Path.Combine(dataDirectory, "custody", "incoming");
        Directory.CreateDirectory(_incoming);

        // Partial files of an earlier process: the sender offers again, and the transfer starts over (§10.4).
        foreach (var stale in Directory.EnumerateFiles(_incoming, "*.partial"))
        {
            File.Delete(stale);
        }

        store.BlobExpired += OnBlobExpired;

        // Blobs that expired while the gateway was down (the store's sweep at open ran before anyone could listen).
        foreach (var expiry in store.TakeUnreportedExpiries())
        {
            OnBlobExpired(expiry);
        }
    }

    /// <summary>Called after each blob is committed, before its receipt is answered: the host schedules its notifications.</summary>
    public Action<SubmissionResult>? Committed { get; set; }

    /// <summary>
    /// The contact plan in force (docs/OPERATIONS.md, "Contact plans"): an offer for a destination it covers is declined
    /// <c>expiry</c> when its bytes, behind those held for that destination, cannot arrive before the requested expiry. Null
    /// (the default) checks no contact.
    /// </summary>
    public IContactWindows? Contacts { get; set; }

    /// <summary>Offers, acceptances, declines and expiries.</summary>
    public CustodyCounters Counters { get; } = new();

    /// <summary>Bytes of the transfers under way, counted against the high-water mark with the store's live bytes.</summary>
    public long IncomingBytes => _running.Values.Sum(t => t.Size);

    /// <summary>
    /// Answers one offer (docs/PROTOCOL.md §10.4): a decline for anything wrong with it, the receipt of a blob already
    /// held, or a transfer started (or joined) and its result if it ends within <see cref="CustodyGatewayOptions.OfferWait"/>,
    /// else <c>in_progress</c>. Never throws for what the offer contains.
    /// </summary>
    public async Task<CustodyAnswer> OfferAsync(ReadOnlyMemory<byte> offerBytes, CancellationToken cancellationToken = default)
    {
        Counters.Offer();
        if (!CustodyOffer.TryParse(offerBytes.Span, out var parsed, out var error))
        {
            return Decline(null, CustodyDeclineReason.BadOffer, $"the offer is malformed: {error}");
        }

        var offer = parsed!;
        var keys = _keys();
        if (!string.Equals(offer.GatewayDomain, keys.Domain, StringComparison.Ordinal))
        {
            return Decline(offer, CustodyDeclineReason.BadOffer, $"the offer names gateway {offer.GatewayDomain}, not {keys.Domain}");
        }

        var localId = CustodyKeys.LocalId(offer.MessageId, offer.RecipientDomain);
        if (_store.FindMessage(localId) is { } held)
        {
            return Held(offer, held, keys);
        }

        if (_running.TryGetValue(localId, out var running))
        {
            return await WaitAsync(running.Task, cancellationToken).ConfigureAwait(false);
        }

        if (Refuse(offer) is { } refusal)
        {
            return refusal;
        }

        var descriptor = await _descriptors.ResolveAsync(offer.SenderDomain, cancellationToken).ConfigureAwait(false);
        if (descriptor is null)
        {
            return Decline(offer, CustodyDeclineReason.SenderUnknown, $"no verified descriptor of {offer.SenderDomain} just now");
        }

        if (!CustodyKeys.SigningKeys(descriptor, _time.GetUtcNow()).Contains(offer.SenderSigningKey))
        {
            return Decline(offer, CustodyDeclineReason.BadOffer, $"the offer is not signed by {offer.SenderDomain}'s key");
        }

        var transfer = new Transfer(offer.PayloadSize);
        if (!_running.TryAdd(localId, transfer))
        {
            // Another offer of the same blob started it a moment ago (or it just ended: then the blob is held).
            return _running.TryGetValue(localId, out var other)
                ? await WaitAsync(other.Task, cancellationToken).ConfigureAwait(false)
                : _store.FindMessage(localId) is { } committed ? Held(offer, committed, keys) : CustodyAnswer.InProgress((uint)_options.RetryAfter.TotalMilliseconds);
        }

        transfer.Run = RunTransferAsync(offer, localId, descriptor.Fetch, transfer);
        return await WaitAsync(transfer.Task, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the transfers under way (their senders offer again after a restart) and unhooks the store.</summary>
    public async ValueTask DisposeAsync()
    {
        _store.BlobExpired -= OnBlobExpired;
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var transfer in _running.Values)
        {
            // Every transfer completes its answer whatever happened; what it threw was logged there.
            await transfer.Run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    /// <summary>The checks of §10.4 made before anything is fetched: policy, size, expiry, high-water mark.</summary>
    private CustodyAnswer? Refuse(CustodyOffer offer)
    {
        if (!_senders.Allows(offer.SenderDomain))
        {
            return Decline(offer, CustodyDeclineReason.Policy, $"this gateway does not hold blobs from {offer.SenderDomain}");
        }

        if (_destinations.Count > 0 && !_destinations.Contains(offer.RecipientDomain))
        {
            return Decline(offer, CustodyDeclineReason.Policy, $"this gateway does not notify {offer.RecipientDomain}");
        }

        if (offer.PayloadSize > _options.MaxBlobBytes)
        {
            return Decline(offer, CustodyDeclineReason.TooLarge, $"{offer.PayloadSize} bytes is over this gateway's {_options.MaxBlobBytes}");
        }

        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var furthest = _options.MaxExpiry < _store.MaxExpiry ? _options.MaxExpiry : _store.MaxExpiry;
        if (offer.RequestedExpiryMs - nowMs > (long)furthest.TotalMilliseconds)
        {
            return Decline(offer, CustodyDeclineReason.Expiry, $"requested expiry is beyond the {furthest.TotalSeconds:0} s this gateway keeps blobs");
        }

        if (offer.RequestedExpiryMs - nowMs < (long)_options.MinRemaining.TotalMilliseconds)
        {
            return Decline(offer, CustodyDeclineReason.Expiry, $"requested expiry leaves less than {_options.MinRemaining.TotalSeconds:0} s");
        }

        if (Contacts is { } contacts && contacts.Covers(offer.RecipientDomain))
        {
            // Decided before fetching (§10.4 step 5): the bytes held for the destination go first, at the plan's rates.
            // Each recipient fetches the blob: its bytes cross the link once per delivery, as the held bytes are counted.
            var queued = _store.GetDomainStats(offer.RecipientDomain).LiveBytes;
            var bytes = (long)Math.Min((decimal)offer.PayloadSize * offer.RecipientHashes.Count, long.MaxValue);
            if (contacts.EarliestArrival(offer.RecipientDomain, bytes, queued, DateTimeOffset.FromUnixTimeMilliseconds(offer.RequestedExpiryMs)) is null)
            {
                return Decline(offer, CustodyDeclineReason.Expiry,
                    $"under the contact plan {bytes} bytes behind the {queued} held for {offer.RecipientDomain} cannot reach it before the requested expiry");
            }
        }

        if (_options.HighWaterBytes > 0 && _store.LiveBytes + IncomingBytes + offer.PayloadSize > _options.HighWaterBytes)
        {
            return Decline(offer, CustodyDeclineReason.Full, $"holding it would pass the high-water mark of {_options.HighWaterBytes} bytes");
        }

        if (_store.AvailableBytes - IncomingBytes - offer.PayloadSize < _options.HighWaterFreeBytes)
        {
            return Decline(offer, CustodyDeclineReason.Full, $"holding it would leave less than {_options.HighWaterFreeBytes} bytes free");
        }

        return null;
    }

    /// <summary>The answer for a blob already held: its receipt, the same bytes each time (Ed25519 is deterministic).</summary>
    private CustodyAnswer Held(CustodyOffer offer, MessageInfo held, IDomainKeys keys)
    {
        if (!string.Equals(held.Account, offer.SenderDomain, StringComparison.Ordinal) || held.Size != offer.PayloadSize || held.PayloadHash != offer.PayloadHash)
        {
            return Decline(offer, CustodyDeclineReason.BadOffer, "it contradicts the blob held under this message id and recipient domain");
        }

        return CustodyAnswer.Accepted(Receipt(offer, held, keys));
    }

    private static byte[] Receipt(CustodyOffer offer, MessageInfo held, IDomainKeys keys)
    {
        var receipt = new ResponsibilityReceipt(
            offer.MessageId,
            held.PayloadHash,
            held.Size,
            held.Submitted.ToUnixTimeMilliseconds(),
            held.TransitExpiry.ToUnixTimeMilliseconds(),
            new Bytes32(keys.SigningPublicKey),
            offer.RecipientDomain,
            keys.Domain);
        var bytes = new byte[receipt.EncodedLength];
        receipt.Sign(keys, bytes);
        return bytes;
    }

    private async Task<CustodyAnswer> WaitAsync(Task<CustodyAnswer> transfer, CancellationToken cancellationToken)
    {
        try
        {
            return await transfer.WaitAsync(_options.OfferWait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return CustodyAnswer.InProgress((uint)_options.RetryAfter.TotalMilliseconds);
        }
    }

    private CustodyAnswer Decline(CustodyOffer? offer, CustodyDeclineReason reason, string detail)
    {
        Counters.Decline(reason);
        CustodyLogMessages.Declined(_logger, offer?.MessageId.ToString() ?? "-", offer?.SenderDomain ?? "-", offer?.RecipientDomain ?? "-", reason, detail);
        return CustodyAnswer.Declined(reason, detail);
    }

    private void OnBlobExpired(BlobExpiry expiry)
    {
        // Under the store's lock: count and log, nothing else (the one expiry record of the blob, issue 17).
        Counters.Expire();
        CustodyLogMessages.Expired(_logger, expiry.MessageId.ToString(), expiry.Account, expiry.Unfetched, expiry.Size);
    }

    /// <summary>A transfer under way: its size (against the high-water mark) and its outcome.</summary>
    private sealed class Transfer(long size)
    {
        public long Size { get; } = size;

        /// <summary>Completed by the transfer with its answer; offers that join it wait on it.</summary>
        public TaskCompletionSource<CustodyAnswer> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<CustodyAnswer> Task => Done.Task;

        /// <summary>The transfer's own task, awaited at dispose.</summary>
        public Task Run { get; set; } = System.Threading.Tasks.Task.CompletedTask;
    }
}
