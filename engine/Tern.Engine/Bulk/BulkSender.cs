using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Custody;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;
using Tern.Engine.Transit;

namespace Tern.Engine.Bulk;

/// <summary>
/// The sending gateway's side of bulk transfer (docs/PROTOCOL.md §17): <see cref="EnqueueAsync"/> is the seam a contact
/// plan drives — blobs of this gateway's transit store and the contact to carry them on. It declines what cannot arrive
/// before its expiry, runs one session for the rest (one at a time per peer, paced to the contact's rate), verifies the
/// session's receipt against the peer's descriptor and marks every covered blob's deliveries Transferred. Datagrams from
/// the peer come in through <see cref="Receive"/>. Thread-safe.
/// </summary>
public sealed partial class BulkSender : IAsyncDisposable
{
    private readonly TransitStore _store;
    private readonly Func<IDomainKeys> _keys;
    private readonly IDescriptorResolver _descriptors;
    private readonly IBulkDatagramSink _sink;
    private readonly BulkSenderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _staging;
    private readonly ConcurrentDictionary<BulkSessionId, Running> _sessions = new();
    private readonly ConcurrentDictionary<string, PeerQueue> _peers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<BulkSessionId, LateSession> _late = new();
    private readonly ConcurrentDictionary<Task, byte> _lateWork = new();

    /// <summary>A sender over <paramref name="store"/>, sending through <paramref name="sink"/>, signing manifests with <paramref name="keys"/>.</summary>
    public BulkSender(TransitStore store, Func<IDomainKeys> keys, IDescriptorResolver descriptors, IBulkDatagramSink sink, BulkSenderOptions options, TimeProvider? timeProvider = null, ILogger<BulkSender>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(descriptors);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _keys = keys;
        _descriptors = descriptors;
        _sink = sink;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _staging = options.StagingDirectory ?? Path.GetTempPath();
        Directory.CreateDirectory(_staging);
    }

    /// <summary>Datagrams dropped, receipts rejected, sessions ended.</summary>
    public BulkCounters Counters { get; } = new();

    /// <summary>Sessions running now.</summary>
    public int RunningSessions => _sessions.Count;

    /// <summary>Whether <paramref name="session"/> is one of this sender's running sessions (a port shared with a receiver routes by it).</summary>
    public bool HasSession(BulkSessionId session) => _sessions.ContainsKey(session);

    /// <summary>
    /// Carries <paramref name="blobs"/> to the contact's gateway in one session and returns each blob's outcome once the
    /// session has ended — within its bound (§17.6). Blobs that cannot arrive before their expiry (given the contact's
    /// rate and light time and the bytes queued ahead for that peer), have no Outstanding delivery to their recipient
    /// domain, or exceed one session's 1024 are declined first and stay with this gateway, as do the blobs of a cancelled
    /// session.
    /// </summary>
    public async Task<BulkSessionResult> EnqueueAsync(IReadOnlyList<BulkBlob> blobs, BulkContact contact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentOutOfRangeException.ThrowIfLessThan(contact.RateBitsPerSecond, 1);
        var outcomes = new BulkBlobOutcome[blobs.Count];
        var peer = _peers.GetOrAdd(contact.PeerGateway, _ => new PeerQueue());
        var descriptor = await _descriptors.ResolveAsync(contact.PeerGateway, cancellationToken).ConfigureAwait(false);
        if (descriptor is null)
        {
            Array.Fill(outcomes, BulkBlobOutcome.Declined);
            BulkLogMessages.Declined(_logger, "*", contact.PeerGateway, $"no verified descriptor of {contact.PeerGateway} just now");
            return new BulkSessionResult { Outcomes = outcomes };
        }

        var (entries, indices, transfers) = Select(blobs, contact, peer, outcomes);
        if (entries.Count == 0)
        {
            return new BulkSessionResult { Outcomes = outcomes };
        }

        var keys = _keys();
        var id = BulkSessionId.NewRandom();
        var now = _time.GetUtcNow();
        var draft = Manifest(id, keys, contact, entries, now, now);
        var blockBytes = draft.EncodedLength + draft.PayloadBytes;
        var link = new PeerLink(peer, blockBytes);
        try
        {
            await peer.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            link.Taken();
            return await RunAsync(id, keys, descriptor, contact, entries, indices, transfers, outcomes, blockBytes, link).ConfigureAwait(false);
        }
        finally
        {
            link.Release();
            foreach (var capability in transfers)
            {
                _store.CloseTransfer(capability);
            }
        }
    }

    /// <summary>Cancels the sessions under way; their blobs stay Outstanding here.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var running in _sessions.Values)
        {
            running.Session.Stop();
            await running.Session.Ended.ConfigureAwait(false);
        }

        await Task.WhenAll(_lateWork.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var peer in _peers.Values)
        {
            peer.Dispose();
        }
    }

    /// <summary>Runs one session to its end, its turn on the peer's link come: the bound counts from here.</summary>
    private async Task<BulkSessionResult> RunAsync(BulkSessionId id, IDomainKeys keys, DomainDescriptor descriptor, BulkContact contact, List<BulkManifestEntry> entries, List<int> indices, List<FetchCapability> transfers, BulkBlobOutcome[] outcomes, long blockBytes, PeerLink link)
    {
        var now = _time.GetUtcNow();
        var deadline = now + BulkBound.Session(blockBytes, contact, _options);
        if (contact.End is { } end && end + BulkBound.Round(contact, _options) + _options.ReceiptWait < deadline)
        {
            // The receiver forgets the session at this deadline plus a light time: no later than the sender can use it.
            deadline = end + BulkBound.Round(contact, _options) + _options.ReceiptWait;
        }

        var manifest = Manifest(id, keys, contact, entries, now, deadline);
        var manifestBytes = manifest.Sign(keys);
        using var session = new OutgoingSession(id, manifestBytes, manifest, contact, _options, _time, _sink, _staging);
        var check = new ReceiptCheck(id, manifestBytes, manifest, CustodyKeys.SigningKeys(descriptor, now), contact.PeerGateway, contact.PeerEndPoint.Serialize());
        _sessions[id] = new Running(session, check);
        BulkLogMessages.Opened(_logger, id.ToString(), contact.PeerGateway, entries.Count, blockBytes, session.Bound);
        BulkCancelReason reason;
        DateTimeOffset? lateUntil = null;
        try
        {
            var ended = session.Start((i, offset, buffer) => _store.ReadAsync(transfers[i], offset, buffer, CancellationToken.None));

            // Once its contact is over the session only waits for answers: the next session to the peer may use the link.
            _ = session.SendingDone.ContinueWith(_ => link.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            reason = await ended.ConfigureAwait(false);
            if (reason is BulkCancelReason.Deadline or BulkCancelReason.RetryLimit)
            {
                // Timed out, not refused: the receiver may still be committing, and its receipt still counts (before the
                // session leaves the table, so a receipt arriving now finds one or the other).
                lateUntil = AwaitLateReceipt(check, contact);
            }
        }
        finally
        {
            _sessions.TryRemove(id, out _);
        }

        return await FinishAsync(session, reason, lateUntil, entries, indices, outcomes, contact).ConfigureAwait(false);
    }

    private async Task<BulkSessionResult> FinishAsync(OutgoingSession session, BulkCancelReason reason, DateTimeOffset? lateUntil, List<BulkManifestEntry> entries, List<int> indices, BulkBlobOutcome[] outcomes, BulkContact contact)
    {
        var end = session.EndedAt;
        BulkReceipt? receipt = reason == BulkCancelReason.None ? BulkReceipt.TryParse(session.Receipt) : null;
        var unanswered = receipt is null && lateUntil is not null && session.BlockReported;
        for (var i = 0; i < entries.Count; i++)
        {
            if (receipt is null)
            {
                // The receiver said it holds every byte: carrying them again before its late receipt can come would send them twice.
                outcomes[indices[i]] = unanswered ? BulkBlobOutcome.Unanswered : BulkBlobOutcome.Cancelled;
            }
            else if (receipt.Accepted[i])
            {
                // The journaled state of §10.5: the receiving gateway notifies in this one's place from now on.
                await _store.MarkTransferredAsync(entries[i].MessageId, entries[i].RecipientDomain).ConfigureAwait(false);
                outcomes[indices[i]] = BulkBlobOutcome.Transferred;
            }
            else
            {
                outcomes[indices[i]] = BulkBlobOutcome.NotAccepted;
            }
        }

        if (receipt is null)
        {
            Counters.Cancel();
            BulkLogMessages.Cancelled(_logger, session.Id.ToString(), contact.PeerGateway, reason, session.Elapsed(end));
        }
        else
        {
            Counters.Complete();
            BulkLogMessages.Receipted(_logger, session.Id.ToString(), contact.PeerGateway, receipt.AcceptedCount, entries.Count, session.Elapsed(end));
        }

        return new BulkSessionResult
        {
            Session = session.Id,
            Cancelled = reason,
            LateReceiptUntil = lateUntil,
            Outcomes = outcomes,
            Receipt = receipt is null ? null : session.Receipt,
            BlockBytes = session.BlockLength,
            DatagramsSent = session.DatagramsSent,
            DatagramsRepeated = session.DatagramsRepeated,
            Repairs = session.Repairs,
            TailCopies = session.TailCopies,
            CheckpointRetries = session.CheckpointRetries,
            BytesSent = session.BytesSent,
            BytesReceived = session.BytesReceived,
            Delivered = session.DeliveredAt == 0 ? null : session.Elapsed(session.DeliveredAt),
            Elapsed = session.Elapsed(end),
            Bound = session.Bound,
        };
    }

    private static BulkManifest Manifest(BulkSessionId id, IDomainKeys keys, BulkContact contact, List<BulkManifestEntry> entries, DateTimeOffset created, DateTimeOffset deadline) => new()
    {
        Session = id,
        CreatedAtMs = created.ToUnixTimeMilliseconds(),
        DeadlineMs = Math.Max(deadline.ToUnixTimeMilliseconds(), created.ToUnixTimeMilliseconds() + 1),
        OneWayLightTimeMs = (long)contact.OneWayLightTime.TotalMilliseconds,
        SenderSigningKey = new Bytes32(keys.SigningPublicKey),
        SenderGateway = keys.Domain,
        ReceiverGateway = contact.PeerGateway,
        Entries = entries,
    };

    /// <summary>A running session and what its receipt is checked against.</summary>
    private sealed record Running(OutgoingSession Session, ReceiptCheck Check);

    /// <summary>
    /// What a session's receipt is checked against (§17.5): the session, its manifest, the keys it must be signed with, the
    /// peer gateway and the address it comes from. Kept past the session's end for a late receipt.
    /// </summary>
    private sealed record ReceiptCheck(BulkSessionId Session, byte[] ManifestBytes, BulkManifest Manifest, Bytes32[] PeerKeys, string PeerGateway, SocketAddress Peer);

    /// <summary>
    /// One session's hold on its peer's link: its bytes count in the queue ahead of later sessions and it holds the gate
    /// until it sends nothing more (its contact over, or its end), released once.
    /// </summary>
    private sealed class PeerLink
    {
        private readonly PeerQueue _peer;
        private readonly long _bytes;
        private int _state;

        public PeerLink(PeerQueue peer, long bytes)
        {
            _peer = peer;
            _bytes = bytes;
            Interlocked.Add(ref peer.QueuedBytes, bytes);
        }

        public void Taken() => Interlocked.CompareExchange(ref _state, 1, 0);

        public void Release()
        {
            var was = Interlocked.Exchange(ref _state, 2);
            if (was == 2)
            {
                return;
            }

            Interlocked.Add(ref _peer.QueuedBytes, -_bytes);
            if (was == 1)
            {
                _peer.Gate.Release();
            }
        }
    }

    /// <summary>One peer's sessions sending one at a time, and the bytes queued for it (the earliest-arrival check's queue).</summary>
    private sealed class PeerQueue : IDisposable
    {
        public readonly SemaphoreSlim Gate = new(1, 1);

        public long QueuedBytes;

        public void Dispose() => Gate.Dispose();
    }
}
