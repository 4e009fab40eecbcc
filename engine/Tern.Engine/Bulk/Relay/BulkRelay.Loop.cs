using Tern.Engine.Contacts;
using Tern.Engine.Protocol;

namespace Tern.Engine.Bulk;

public sealed partial class BulkRelay
{
    /// <summary>
    /// One peer's loop: outside its windows it sleeps until the next opens (a plan reload wakes it); in a window it takes
    /// the blobs waiting (earliest expiry first) into a session at the window's rate and light time, and moves on when the
    /// session ends or the window closes — a session whose window closed only waits for its answers, and the next window's
    /// session starts beside it. Nothing is sent outside a window (§17.6).
    /// </summary>
    private async Task RunAsync(BulkRelayPeer peer, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                peer.Signal.Reset();
                peer.PlanChanged.Reset();
                var now = _time.GetUtcNow();
                if (!_contacts.TryOpenNow(peer.Gateway, out var window))
                {
                    var wait = _contacts.TryNextWindow(peer.Gateway, out var next) ? next.Opens - now : _options.RetryInterval;
                    await WaitAsync(peer, wait, null, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var left = window.Closes - now;
                var batch = Take(peer, window, now, out var released);
                if (batch.Count == 0)
                {
                    // Until the window closes, a blob is held anew, or a late receipt's wait ends with blobs to carry.
                    await WaitAsync(peer, Min(left, released - now), peer.Signal.WaitAsync(), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var endpoint = await _directory!.ResolveAsync(peer.Gateway, cancellationToken).ConfigureAwait(false);
                if (endpoint is null)
                {
                    Return(peer, batch);
                    Counters.Unresolved();
                    BulkLogMessages.NoBulkAddress(_logger, peer.Gateway, batch.Count);
                    await WaitAsync(peer, Min(_options.RetryInterval, left), null, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                BulkLogMessages.WindowOpen(_logger, peer.Gateway, window.Contact, window.Closes, batch.Count);
                var session = CarryAsync(peer, batch, BulkContact.For(window, endpoint), window);
                peer.Sessions.TryAdd(session, 0);
                _ = session.ContinueWith(t => peer.Sessions.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                await WaitAsync(peer, window.Closes - _time.GetUtcNow(), session, cancellationToken).ConfigureAwait(false);
                if (session.IsCompleted && !await session.ConfigureAwait(false))
                {
                    // Nothing carried (all declined, the peer refused, the link cut): try again later in this window, or the next.
                    await WaitAsync(peer, Min(_options.RetryInterval, window.Closes - _time.GetUtcNow()), null, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The blobs waiting for <paramref name="peer"/> that can still arrive in time, earliest expiry first, at most a
    /// session's 1024, marked in flight; a pair with no Outstanding delivery left (transferred, fetched, expired,
    /// retracted) is forgotten. A pair in a session, or whose timed-out session's late receipt may still come, is not
    /// taken: its bytes are at the peer or on their way (§17.6); <paramref name="released"/> is when the next such wait
    /// ends (<see cref="DateTimeOffset.MaxValue"/> when none).
    /// </summary>
    private List<BulkBlob> Take(BulkRelayPeer peer, ContactWindow window, DateTimeOffset now, out DateTimeOffset released)
    {
        released = DateTimeOffset.MaxValue;
        var nowMs = now.ToUnixTimeMilliseconds();
        var ready = new List<(DateTimeOffset Expiry, MessageId Id, string Domain)>();
        foreach (var (key, toldTooLate) in peer.Held)
        {
            var (id, domain) = key;
            if (peer.InFlight.ContainsKey(key))
            {
                continue;
            }

            if (!_store.HasOutstanding(id, domain) || _store.FindMessage(id) is not { } info)
            {
                peer.Held.TryRemove(key, out _);
                peer.AwaitingReceipt.TryRemove(key, out _);
                continue;
            }

            if (peer.AwaitingReceipt.TryGetValue(key, out var untilMs))
            {
                if (untilMs > nowMs)
                {
                    var until = DateTimeOffset.FromUnixTimeMilliseconds(untilMs);
                    released = until < released ? until : released;
                    continue;
                }

                // No receipt came in time: the receiver lost the block or its answer; it goes again.
                peer.AwaitingReceipt.TryRemove(key, out _);
                Counters.Again(1);
            }

            // Sent now, it would arrive a light time later: too late is left to expire here, once, and not offered again.
            if (info.TransitExpiry - _minRemaining < now + window.OneWayLightTime)
            {
                if (toldTooLate == 0 && peer.Held.TryUpdate(key, 1, 0))
                {
                    Counters.TooLate();
                    BulkLogMessages.NotInTime(_logger, id.ToString(), domain, peer.Gateway, info.TransitExpiry);
                }

                continue;
            }

            ready.Add((info.TransitExpiry, id, domain));
        }

        ready.Sort((a, b) => a.Expiry.CompareTo(b.Expiry));
        var batch = new List<BulkBlob>(Math.Min(ready.Count, BulkManifest.MaxBlobs));
        foreach (var (_, id, domain) in ready)
        {
            if (batch.Count == BulkManifest.MaxBlobs)
            {
                break;
            }

            peer.InFlight.TryAdd((id, domain), 0);
            batch.Add(new BulkBlob(id, domain));
        }

        return batch;
    }

    /// <summary>Runs one session; true when it transferred at least one blob. What it did not transfer waits for the next.</summary>
    private async Task<bool> CarryAsync(BulkRelayPeer peer, List<BulkBlob> batch, BulkContact contact, ContactWindow window)
    {
        Counters.Session();
        BulkSessionResult? result = null;
        try
        {
            result = await _sender!.EnqueueAsync(batch, contact, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed session must not end the peer's loop: its blobs stay Outstanding for the next.
        catch (Exception e)
#pragma warning restore CA1031
        {
            BulkLogMessages.RelayFailed(_logger, peer.Gateway, e);
        }

        var transferred = 0;
        var awaiting = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var key = (batch[i].MessageId, batch[i].RecipientDomain);
            var outcome = result?.Outcomes[i];
            if (outcome == BulkBlobOutcome.Transferred)
            {
                // Counted once: a late receipt of an earlier session may have transferred (and forgotten) it already.
                transferred++;
                if (peer.Held.TryRemove(key, out _))
                {
                    Counters.Transfer(1);
                }
            }
            else if (outcome == BulkBlobOutcome.Unanswered && result!.LateReceiptUntil is { } until && peer.Held.ContainsKey(key))
            {
                peer.AwaitingReceipt[key] = until.ToUnixTimeMilliseconds();
                awaiting++;
            }

            peer.InFlight.TryRemove(key, out _);
        }

        if (result is not null && result.BytesSent > 0 && _contacts is ContactWindows plan)
        {
            // The session sent only inside its window: its bytes count against that window's contact and day (at its end, as
            // the session's figures are known then).
            var at = Min(_time.GetUtcNow() - window.Opens, window.Closes - window.Opens);
            plan.LinkUse.Record(window.Contact, result.BytesSent, (window.Opens + at).ToUnixTimeMilliseconds());
        }

        Counters.Await(awaiting);
        Counters.Again(batch.Count - transferred - awaiting);
        return transferred > 0;
    }

    private static void Return(BulkRelayPeer peer, List<BulkBlob> batch)
    {
        foreach (var blob in batch)
        {
            peer.InFlight.TryRemove((blob.MessageId, blob.RecipientDomain), out _);
        }
    }

    /// <summary>Waits <paramref name="wait"/> on the relay's clock, or less when <paramref name="wake"/> or a plan reload comes first.</summary>
    private async Task WaitAsync(BulkRelayPeer peer, TimeSpan wait, Task? wake, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            // A window boundary on the clock's millisecond: yield rather than spin.
            await Task.Yield();
            return;
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, _time, cancel.Token);
        await Task.WhenAny(delay, wake ?? delay, peer.PlanChanged.WaitAsync()).ConfigureAwait(false);
        await cancel.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
