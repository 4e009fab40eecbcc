using System.Net.Sockets;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Pull;

public sealed partial class PullWorker
{
    /// <summary>Pulls one pending reference now (docs/PROTOCOL.md §4.7, §8, §9) and returns how it ended.</summary>
    public Task<PullResult> PullAsync(RecipientHash hash, PendingReference reference, CancellationToken cancellationToken = default)
        => RunPullAsync(hash, reference, journalHere: false, cancellationToken);

    /// <summary>One pull; with <paramref name="journalHere"/> its journal record may be written on the calling thread (<see cref="PullJournal.BeginAsync(RecipientHash, PendingReference, bool, CancellationToken)"/>).</summary>
    private async Task<PullResult> RunPullAsync(RecipientHash hash, PendingReference reference, bool journalHere, CancellationToken cancellationToken, PullAnnotation? annotation = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var capability = reference.Capability;
        if (!_inFlight.TryAdd(capability, 0))
        {
            return Count(new PullResult(capability, PullOutcome.InProgress, null, 0));
        }

        try
        {
            var result = await PullCoreAsync(hash, reference, journalHere, annotation, cancellationToken).ConfigureAwait(false);
            PullLogMessages.Pulled(_logger, capability.ToString(), result.Source, result.Outcome, result.Attempts);
            if (!Retryable(result.Outcome))
            {
                // Stored, or nothing more to pull: the journal need not bring it back. A pull that may yet succeed stays
                // open there until it does, its retries run out, or a start resumes it.
                _journal?.End(capability);
            }

            return Count(result);
        }
        finally
        {
            _inFlight.TryRemove(capability, out _);
        }
    }

    private async Task<PullResult> PullCoreAsync(RecipientHash hash, PendingReference reference, bool journalHere, PullAnnotation? annotation, CancellationToken cancellationToken)
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
        // §16.4: in a rotation's window the previous (or next) agreement key still names the domain.
        var keyOk = viaGateway ? _options.TrustedGatewayKeys.Contains(reference.SenderKey) : descriptor.NamesAgreementKey(reference.SenderKey, _time.GetUtcNow());
        if (!keyOk && !viaGateway && _descriptors is IDescriptorRevalidation revalidation)
        {
            // The sender may have changed its key since the descriptor was cached: look again (the resolver bounds how often).
            descriptor = await revalidation.RevalidateAsync(reference.SenderDomain, cancellationToken).ConfigureAwait(false);
            if (descriptor is null)
            {
                return new PullResult(capability, PullOutcome.DescriptorUnavailable, null, 0);
            }

            keyOk = descriptor.NamesAgreementKey(reference.SenderKey, _time.GetUtcNow());
        }

        if (!keyOk)
        {
            PullLogMessages.KeyMismatch(_logger, capability.ToString(), reference.SenderDomain);
            return new PullResult(capability, PullOutcome.KeyMismatch, null, 0);
        }

        // Durable before the first fetch: once the sender has written the last byte it counts the delivery fetched and
        // stops notifying (§9), so from here on only this record brings the pull back after a crash. It carries the
        // annotation (the user's received line) when the pull got here without a wait: its caller has not released it.
        if (_journal is not null)
        {
            await _journal.BeginAsync(hash, reference, journalHere, annotation, cancellationToken).ConfigureAwait(false);
        }

        var attempts = 0;
        var notFound = 0;
        var corrupt = 0;
        string? last = null;
        string? storedFrom = null;

        // One partial file across sources: what one source delivered and what verified stays when the next takes over.
        var verifier = new PayloadVerifier(reference.PayloadSize, reference.PayloadHash);
        var file = _messages.OpenPartial(hash, capability, verifier);
        await using (file.ConfigureAwait(false))
        {
            foreach (var uri in SourceUris(reference, descriptor.Fetch))
            {
                if (_sources.Create(uri) is not { } source)
                {
                    continue;
                }

                last = source.Address;
                var (outcome, used) = await FetchFromAsync(reference, source, file, cancellationToken).ConfigureAwait(false);
                attempts += used;
                if (outcome == PullOutcome.Stored)
                {
                    storedFrom = source.Address;
                    break;
                }

                notFound += outcome == PullOutcome.NotFound ? 1 : 0;
                corrupt += outcome == PullOutcome.Corrupt ? 1 : 0;
            }
        }

        if (storedFrom is not null)
        {
            // The reference leaves the table once the commit is durable and before the message is listed, so no reader
            // sees it both stored and still to pull.
            await _messages.CommitAsync(hash, capability, reference.SenderDomain, reference.PayloadSize, reference.PayloadHash, reference.MimeHint,
                () => _pending.Remove(capability, PendingRemoval.Fetched), cancellationToken).ConfigureAwait(false);
            return new PullResult(capability, PullOutcome.Stored, storedFrom, attempts);
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
    /// Fetches into the partial file from one source, each chunk checked as it lands (docs/PROTOCOL.md §4.8), resuming from
    /// the file's length after each cut. Bytes kept from an earlier process are checked first, against a proof from this
    /// source. Returns Stored (every byte in and checked), NotFound, Corrupt (a chunk or proof did not match: the chunks
    /// before it stay for the next source) or Failed, and the attempts used.
    /// </summary>
    private async Task<(PullOutcome Outcome, int Attempts)> FetchFromAsync(PendingReference reference, IFetchSource source, PartialFileStream file, CancellationToken cancellationToken)
    {
        var capability = reference.Capability;
        var verifier = file.Verifier;
        var size = reference.PayloadSize;
        var attempts = 0;
        var fetched = false;
        var delay = _options.RetryDelay;
        while (true)
        {
            // A zero-length blob still takes one fetch: that fetch is what tells the sender (§9).
            if (!file.HasUnverifiedKept && file.Length == size && (size > 0 || fetched))
            {
                if (file.TryComplete())
                {
                    return (PullOutcome.Stored, attempts);
                }

                PullLogMessages.Corrupt(_logger, capability.ToString(), source.Address);
                file.SetLength(0);
                return (PullOutcome.Corrupt, attempts);
            }

            if (attempts >= _options.AttemptsPerSource)
            {
                return (PullOutcome.Failed, attempts);
            }

            attempts++;
            try
            {
                FetchResponse response;
                if (file.HasUnverifiedKept)
                {
                    // A resumed pull keeps only what it can check: a proof from the first chunk, then the kept bytes read back.
                    response = verifier.NeedsProofs
                        ? await source.FetchProofAsync(capability, verifier, 0, cancellationToken).ConfigureAwait(false)
                        : new FetchResponse(MetaStatus.Ok, size, verifier.PayloadHash, 0, 0);
                    if (response.Status == MetaStatus.Ok)
                    {
                        var kept = await file.VerifyKeptAsync(cancellationToken).ConfigureAwait(false);
                        PullLogMessages.KeptVerified(_logger, capability.ToString(), kept);
                        attempts--;
                        continue;
                    }
                }
                else
                {
                    response = await source.FetchAsync(capability, file, file.Length, verifier, cancellationToken).ConfigureAwait(false);
                    fetched = true;
                }

                switch (response.Status)
                {
                    case MetaStatus.NotFound:
                        return (PullOutcome.NotFound, attempts);
                    case MetaStatus.RangeNotSatisfiable:
                        file.SetLength(0);
                        continue;
                    case MetaStatus.Ok when response.TotalSize != size:
                        PullLogMessages.Corrupt(_logger, capability.ToString(), source.Address);
                        file.DiscardPending();
                        return (PullOutcome.Corrupt, attempts);
                    case MetaStatus.Ok:
                        break;
                    default:
                        return (PullOutcome.Failed, attempts);
                }
            }
            catch (PayloadMismatchException ex)
            {
                PullLogMessages.ChunkMismatch(_logger, capability.ToString(), source.Address, ex.Chunk, file.VerifiedLength, ex);
                file.DiscardPending();
                return (PullOutcome.Corrupt, attempts);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or SocketException or TimeoutException
                                           || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Whatever arrived is in the file (or its unfinished chunk); the next attempt asks for the rest with a range.
                PullLogMessages.Resuming(_logger, capability.ToString(), source.Address, file.Length, ex);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
        }
    }
}
