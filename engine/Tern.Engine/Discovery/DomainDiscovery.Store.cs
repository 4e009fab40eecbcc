using Tern.Engine.Protocol;

namespace Tern.Engine.Discovery;

public sealed partial class DomainDiscovery
{
    private async Task<DiscoveryResult> LookupAndStoreAsync(string name)
    {
        // Off the caller's stack: the entry is in _inFlight before this can complete and take it out.
        await Task.Yield();
        try
        {
            var entry = _cache.GetOrAdd(name);
            var remembered = _cache.Read(entry, e =>
            {
                e.LookedUpAt = _time.GetUtcNow();
                return e.LastFound?.Fingerprints;
            });
            Counters.NetworkLookup();
            DiscoveryResult fresh;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                timeout.CancelAfter(_options.LookupTimeout);
                try
                {
                    fresh = await _lookup!.RunAsync(name, remembered, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                    fresh = DiscoveryResult.Fail(DiscoveryFailure.LookupTimeout, $"the lookup took longer than {_options.LookupTimeout.TotalSeconds:0.#} s (DiscoveryOptions.LookupTimeout)", _time.GetUtcNow() + _options.NegativeTtl);
                }
#pragma warning disable CA1031 // Whatever a lookup throws, the answer is a failure and the next lookup tries again.
                catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    DiscoveryLogMessages.LookupError(_logger, name, e);
                    fresh = DiscoveryResult.Fail(DiscoveryFailure.LookupError, $"{e.GetType().Name}: {e.Message}", _time.GetUtcNow() + _options.NegativeTtl);
                }
            }

            return Store(entry, fresh);
        }
        finally
        {
            lock (_flightLock)
            {
                _inFlight.Remove(name);
            }
        }
    }

    private DiscoveryResult Store(DiscoveryCacheEntry entry, DiscoveryResult fresh)
    {
        var now = _time.GetUtcNow();
        if (fresh.IsFound)
        {
            var peer = fresh.Peer;
            var previous = _cache.Read(entry, e => e.LastFound);
            if (previous is not null && previous.AgreementKey != peer.AgreementKey)
            {
                Counters.KeyChange();
                DiscoveryLogMessages.KeyChanged(_logger, entry.Domain, previous.AgreementKey.ToString(), peer.AgreementKey.ToString());
            }

            // Taught before the answer is visible: the ingest knows the key by the time anyone sends under it.
            _known?.Learn(peer.AgreementKey);
            var lifetime = fresh.ExpiresAt - now;
            fresh = fresh.WithRefreshAt(now + (lifetime * _options.PrefetchRatio));
            _cache.Update(entry, e =>
            {
                e.Result = fresh;
                e.RefreshAt = fresh.RefreshAt;
                e.LastFound = peer;
                e.LastFoundExpiredAt = fresh.ExpiresAt;
            });
            DiscoveryLogMessages.Discovered(_logger, entry.Domain, peer.AgreementKey.ToString(), peer.NotifyEndpoint?.ToString() ?? "(none)", peer.FetchDoors.Count, fresh.ExpiresAt);
            return fresh;
        }

        Counters.Failure();
        var (last, lastExpired) = _cache.Read(entry, e => (e.LastFound, e.LastFoundExpiredAt));
        if (!DiscoveryResult.RevokesEarlierAnswer(fresh.Failure) && last is not null && now < lastExpired + _options.MaxStale && now < last.Descriptor.ExpiresAt)
        {
            // RFC 8767's serve-stale, widened: a server that is away, or that serves garbage (a body that does not parse or
            // verify, an error status), does not make a known peer unknown; only the domain's own records can (no Tern
            // records any more, a fingerprint that no longer matches).
            var until = now + _options.NegativeTtl;
            var stale = DiscoveryResult.Found(last, until < last.Descriptor.ExpiresAt ? until : last.Descriptor.ExpiresAt);
            _cache.Update(entry, e =>
            {
                e.Result = stale;
                e.RefreshAt = stale.ExpiresAt;
            });
            Counters.Stale();
            DiscoveryLogMessages.ServingStale(_logger, entry.Domain, fresh.Failure, fresh.Detail, stale.ExpiresAt);
            return stale;
        }

        _cache.Update(entry, e =>
        {
            e.Result = fresh;
            e.RefreshAt = fresh.ExpiresAt;
            if (DiscoveryResult.RevokesEarlierAnswer(fresh.Failure))
            {
                // What the domain publishes now refuses the old answer: neither it nor its fingerprints are used again.
                e.LastFound = null;
            }
        });
        DiscoveryLogMessages.Failed(_logger, entry.Domain, fresh.Failure, fresh.Detail, fresh.ExpiresAt);
        return fresh;
    }

    /// <summary>The agreement key of the cached peer of <paramref name="domain"/>, for tests and diagnostics.</summary>
    internal Bytes32? CachedKey(string domain)
        => _cache.Get(domain) is { } entry ? _cache.Read(entry, e => e.Result.Peer?.AgreementKey) : null;
}
