using System.Net.Http;
using System.Net.Sockets;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Pull;

public sealed partial class PullWorker
{
    /// <summary>Pulls one pending reference now (docs/PROTOCOL.md §4.7, §8, §9) and returns how it ended.</summary>
    public async Task<PullResult> PullAsync(RecipientHash hash, PendingReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var capability = reference.Capability;
        if (!_inFlight.TryAdd(capability, 0))
        {
            return new PullResult(capability, PullOutcome.InProgress, null, 0);
        }

        try
        {
            var result = await PullCoreAsync(hash, reference, cancellationToken).ConfigureAwait(false);
            PullLog.Pulled(_logger, capability.ToString(), result.Source, result.Outcome, result.Attempts);
            return result;
        }
        finally
        {
            _inFlight.TryRemove(capability, out _);
        }
    }

    private async Task<PullResult> PullCoreAsync(RecipientHash hash, PendingReference reference, CancellationToken cancellationToken)
    {
        var capability = reference.Capability;
        if (_messages.Contains(hash, capability))
        {
            _pending.Remove(capability, PendingRemoval.Fetched);
            return new PullResult(capability, PullOutcome.AlreadyStored, null, 0);
        }

        if (reference.TransitExpiryMs <= _time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            _pending.Remove(capability, PendingRemoval.Expired);
            return new PullResult(capability, PullOutcome.Expired, null, 0);
        }

        var descriptor = await _descriptors.ResolveAsync(reference.SenderDomain, cancellationToken).ConfigureAwait(false);
        if (descriptor is null)
        {
            return new PullResult(capability, PullOutcome.DescriptorUnavailable, null, 0);
        }

        var viaGateway = (reference.Flags & NotificationFlags.ViaGateway) != 0;
        var keyOk = viaGateway ? _options.TrustedGatewayKeys.Contains(reference.SenderKey) : descriptor.AgreementKey == reference.SenderKey;
        if (!keyOk)
        {
            PullLog.KeyMismatch(_logger, capability.ToString(), reference.SenderDomain);
            return new PullResult(capability, PullOutcome.KeyMismatch, null, 0);
        }

        var attempts = 0;
        var notFound = 0;
        var corrupt = 0;
        string? last = null;
        foreach (var uri in SourceUris(reference, descriptor.Fetch))
        {
            if (_sources.Create(uri) is not { } source)
            {
                continue;
            }

            last = source.Address;
            var (outcome, used) = await FetchFromAsync(hash, reference, source, cancellationToken).ConfigureAwait(false);
            attempts += used;
            switch (outcome)
            {
                case PullOutcome.Stored:
                    _pending.Remove(capability, PendingRemoval.Fetched);
                    return new PullResult(capability, PullOutcome.Stored, source.Address, attempts);
                case PullOutcome.NotFound:
                    notFound++;
                    break;
                case PullOutcome.Corrupt:
                    corrupt++;
                    break;
            }
        }

        var final = corrupt > 0 ? PullOutcome.Corrupt : notFound > 0 ? PullOutcome.NotFound : PullOutcome.Failed;
        return new PullResult(capability, final, last, attempts);
    }

    /// <summary>The fetch hints first (the sender chose them), then the descriptor's doors; each URI once.</summary>
    private static List<string> SourceUris(PendingReference reference, IReadOnlyList<string> descriptorFetch)
    {
        var uris = new List<string>(reference.FetchHints.Count + descriptorFetch.Count);
        foreach (var uri in reference.FetchHints)
        {
            if (!uris.Contains(uri))
            {
                uris.Add(uri);
            }
        }

        foreach (var uri in descriptorFetch)
        {
            if (!uris.Contains(uri))
            {
                uris.Add(uri);
            }
        }

        return uris;
    }

    /// <summary>
    /// Fetches into the partial file from one source, resuming from the file's length after each cut, then verifies and
    /// commits. Returns Stored, NotFound, Corrupt or Failed, and the attempts used.
    /// </summary>
    private async Task<(PullOutcome Outcome, int Attempts)> FetchFromAsync(RecipientHash hash, PendingReference reference, IFetchSource source, CancellationToken cancellationToken)
    {
        var capability = reference.Capability;
        var size = reference.PayloadSize;
        var attempts = 0;
        var delay = _options.RetryDelay;
        var file = _messages.OpenPartial(hash, capability);
        await using (file.ConfigureAwait(false))
        {
            while (true)
            {
                if (file.Length > size)
                {
                    file.SetLength(0);
                }

                // A zero-length blob still takes one fetch: that fetch is what tells the sender (§9).
                if (file.Length < size || (size == 0 && attempts == 0))
                {
                    if (attempts >= _options.AttemptsPerSource)
                    {
                        return (PullOutcome.Failed, attempts);
                    }

                    attempts++;
                    try
                    {
                        var response = await source.FetchAsync(capability, file, file.Length, cancellationToken).ConfigureAwait(false);
                        switch (response.Status)
                        {
                            case MetaStatus.NotFound:
                                return (PullOutcome.NotFound, attempts);
                            case MetaStatus.RangeNotSatisfiable:
                                file.SetLength(0);
                                continue;
                            case MetaStatus.Ok when response.TotalSize != size:
                                PullLog.Corrupt(_logger, capability.ToString(), source.Address);
                                file.SetLength(0);
                                return (PullOutcome.Corrupt, attempts);
                            case MetaStatus.Ok:
                                break;
                            default:
                                return (PullOutcome.Failed, attempts);
                        }
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException or SocketException or TimeoutException
                                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                    {
                        // Whatever arrived is in the file; the next attempt asks for the rest with a range.
                        PullLog.Resuming(_logger, capability.ToString(), source.Address, file.Length, ex);
                        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                        delay *= 2;
                    }

                    continue;
                }

                var (actual, length) = await MessageStore.HashAsync(file, cancellationToken).ConfigureAwait(false);
                if (length != size || actual != reference.PayloadHash)
                {
                    PullLog.Corrupt(_logger, capability.ToString(), source.Address);
                    file.SetLength(0);
                    return (PullOutcome.Corrupt, attempts);
                }

                break;
            }
        }

        await _messages.CommitAsync(hash, capability, reference.SenderDomain, size, reference.PayloadHash, reference.MimeHint, cancellationToken).ConfigureAwait(false);
        return (PullOutcome.Stored, attempts);
    }
}
