using System.Security.Cryptography;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Notify;

public sealed partial class NotificationScheduler
{
    private PeerState PeerFor(string domain)
    {
        // Due records come in runs of one domain (a submission's recipients): the last peer saves most lookups.
        if (_lastPeer is { } last && string.Equals(last.Domain, domain, StringComparison.Ordinal))
        {
            return last;
        }

        if (!_peers.TryGetValue(domain, out var peer))
        {
            peer = new PeerState(domain);
            _peers.Add(domain, peer);
        }

        _lastPeer = peer;
        return peer;
    }

    /// <summary>True when the peer's key and endpoint are usable now; starts or refreshes a resolution as needed.</summary>
    private bool EnsureResolved(PeerState peer, long nowMs)
    {
        if (peer.Status == PeerStatus.Unresolved)
        {
            peer.Status = PeerStatus.Resolving;
            peer.ResolvingSinceMs = nowMs;
            Resolve(peer, nowMs);
        }
        else if (peer.Status == PeerStatus.Resolving && nowMs - peer.ResolvingSinceMs >= _peerRetryMs)
        {
            // A resolver that does not answer must not hold the records forever; a late answer still applies.
            NotifyLogMessages.PeerUnresolved(_logger, peer.Domain, _peerRetryMs);
            Counters.PeerFailed();
            peer.Status = PeerStatus.Unresolved;
            Postpone(peer, nowMs + _peerRetryMs);
        }
        else if (peer.Status == PeerStatus.Resolved && !peer.Refreshing && nowMs >= peer.RefreshAtMs)
        {
            peer.Refreshing = true;
            Resolve(peer, nowMs);
        }

        return peer.Status == PeerStatus.Resolved;
    }

    private void Resolve(PeerState peer, long nowMs)
    {
        ValueTask<NotificationPeer?> pending;
        try
        {
            pending = _resolver.ResolveAsync(peer.Domain, _stop.Token);
        }
#pragma warning disable CA1031 // A resolver failure is a failed resolution, whatever the exception.
        catch (Exception e)
#pragma warning restore CA1031
        {
            NotifyLogMessages.PeerResolutionFailed(_logger, peer.Domain, e);
            ApplyResolution(peer, null, nowMs);
            return;
        }

        if (pending.IsCompletedSuccessfully)
        {
            ApplyResolution(peer, pending.Result, nowMs);
        }
        else
        {
            _ = AwaitResolutionAsync(peer, pending);
        }
    }

    private async Task AwaitResolutionAsync(PeerState peer, ValueTask<NotificationPeer?> pending)
    {
        NotificationPeer? result = null;
        try
        {
            result = await pending.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // See Resolve.
        catch (Exception e)
#pragma warning restore CA1031
        {
            NotifyLogMessages.PeerResolutionFailed(_logger, peer.Domain, e);
        }

        _resolved.Enqueue(new PeerResolution(peer, result));
        if (Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                _wake.Set();
            }
            catch (ObjectDisposedException)
            {
                // Disposed meanwhile: nobody is left to take the answer.
            }
        }
    }

    /// <summary>Takes a resolver answer on the loop thread: derives the sending key, or fails the peer's waiting records.</summary>
    private void ApplyResolution(PeerState peer, NotificationPeer? resolved, long nowMs)
    {
        var refreshing = peer.Refreshing;
        peer.Refreshing = false;
        if (resolved is not null && resolved.Endpoint is not null)
        {
            if (peer.Peer is { } current && current.AgreementKey == resolved.AgreementKey)
            {
                MarkResolved(peer, resolved, nowMs);
                return;
            }

            Span<byte> key = stackalloc byte[Bytes32.Size];
            resolved.AgreementKey.CopyTo(key);
            if (TryDeriveSendingKey(key, peer.SendingKey))
            {
                MarkResolved(peer, resolved, nowMs);
                return;
            }

            NotifyLogMessages.PeerKeyRejected(_logger, peer.Domain, _peerRetryMs);
        }
        else
        {
            NotifyLogMessages.PeerUnresolved(_logger, peer.Domain, refreshing ? _peerRefreshMs : _peerRetryMs);
        }

        Counters.PeerFailed();
        if (refreshing && peer.Status == PeerStatus.Resolved)
        {
            // Keep the last good answer until the next refresh.
            peer.ResolvedAtMs = nowMs;
            peer.RefreshAtMs = nowMs + _peerRefreshMs;
            return;
        }

        peer.Status = PeerStatus.Unresolved;
        peer.Peer = null;
        Postpone(peer, nowMs + _peerRetryMs);
    }

    private void MarkResolved(PeerState peer, NotificationPeer resolved, long nowMs)
    {
        peer.Peer = resolved;
        peer.Status = PeerStatus.Resolved;
        peer.ResolvedAtMs = nowMs;
        var refreshMs = _peerRefreshMs;
        if (resolved.ValidFor is { } validFor)
        {
            // The resolver's answer expires sooner (a DNS TTL, a descriptor's expiry): ask again then. At least one tick,
            // so a resolver answering with 0 does not make every round resolve again.
            refreshMs = Math.Clamp((long)validFor.TotalMilliseconds, _tickMs, _peerRefreshMs);
        }

        peer.RefreshAtMs = nowMs + refreshMs;
    }

    /// <summary>Moves a peer's waiting records to <paramref name="retryMs"/> without counting an attempt: nothing was sent.</summary>
    private void Postpone(PeerState peer, long retryMs)
    {
        foreach (var waiting in peer.Notifications)
        {
            var entry = waiting.Entry;
            if (_store.RecordAttempt(entry, waiting.Attempt, retryMs))
            {
                _wheel.Schedule(new ScheduledNotice(entry, NoticeKind.Notification, retryMs, 0), retryMs);
            }
        }

        foreach (var waiting in peer.Retractions)
        {
            _wheel.Schedule(new ScheduledNotice(waiting.Entry, waiting.Notice.Kind, retryMs, waiting.Notice.Sent), retryMs);
        }

        peer.Notifications.Clear();
        peer.Retractions.Clear();
    }

    /// <summary>Derives k(S→R) for <paramref name="peerKey"/> into <paramref name="sendingKey"/>; the derived bytes do not outlive the call.</summary>
    private bool TryDeriveSendingKey(ReadOnlySpan<byte> peerKey, Crypto.XChaCha20Poly1305Key sendingKey)
    {
        Span<byte> derived = stackalloc byte[NotificationKey.Size];
        try
        {
            if (!NotificationKey.TryDeriveSending(_keys, peerKey, derived))
            {
                return false;
            }

            sendingKey.Set(derived);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }
}
