using System.Net.Sockets;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Custody;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Pull;
using Tern.Engine.Transit;

namespace Tern.Engine.Custody;

public sealed partial class CustodyGateway
{
    /// <summary>
    /// Fetches, checks and commits one offered blob (docs/PROTOCOL.md §10.4), completing <paramref name="transfer"/> with
    /// the receipt or a decline; always leaves the running table and deletes its partial file.
    /// </summary>
    private async Task RunTransferAsync(CustodyOffer offer, MessageId localId, IReadOnlyList<string> senderDoors, Transfer transfer)
    {
        // Off the offer's request: the transfer outlives it when it takes longer than OfferWait.
        await Task.Yield();
        var path = Path.Combine(_incoming, localId.ToString() + ".partial");
        CustodyAnswer? answer = null;
        try
        {
            answer = await TransferAsync(offer, localId, senderDoors, path, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            answer = CustodyAnswer.Declined(CustodyDeclineReason.FetchFailed, "the gateway is stopping");
        }
        catch (TransitQuotaException e)
        {
            answer = Decline(offer, CustodyDeclineReason.Full, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            Counters.FailFetch();
            CustodyLogMessages.FetchFailed(_logger, offer.MessageId.ToString(), offer.SenderDomain, e.Message, e);
            answer = CustodyAnswer.Declined(CustodyDeclineReason.FetchFailed, "the gateway could not store the blob");
        }
        finally
        {
            TryDelete(path);
            _running.TryRemove(localId, out _);

            // An exception none of the above expected still ends the transfer: the offers waiting on it get an answer.
            transfer.Done.TrySetResult(answer ?? CustodyAnswer.Declined(CustodyDeclineReason.FetchFailed, "the transfer failed"));
        }
    }

    private async Task<CustodyAnswer> TransferAsync(CustodyOffer offer, MessageId localId, IReadOnlyList<string> senderDoors, string path, CancellationToken cancellationToken)
    {
        var verifier = new PayloadVerifier(offer.PayloadSize, offer.PayloadHash);
        var fetched = false;
        string detail = "no usable door in the sender's descriptor";
        await using (var file = new PartialFileStream(path, verifier))
        {
            // Only the sender's own doors: a gateway never fetches from an address an offer names (§10.4).
            foreach (var uri in senderDoors)
            {
                if (_sources.Create(uri) is not { } source)
                {
                    continue;
                }

                (fetched, detail) = await FetchFromAsync(offer, source, file, cancellationToken).ConfigureAwait(false);
                if (fetched)
                {
                    break;
                }
            }
        }

        if (!fetched)
        {
            Counters.FailFetch();
            CustodyLogMessages.FetchFailed(_logger, offer.MessageId.ToString(), offer.SenderDomain, detail, null);
            return CustodyAnswer.Declined(CustodyDeclineReason.FetchFailed, detail);
        }

        var recipients = new TransitRecipient[offer.RecipientHashes.Count];
        for (var i = 0; i < recipients.Length; i++)
        {
            recipients[i] = new TransitRecipient(offer.RecipientDomain, offer.RecipientHashes[i]);
        }

        SubmissionResult result;
        var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (content.ConfigureAwait(false))
        {
            // The sender domain is the account: the ledger charges per sender, and the scheduler names it in the
            // notifications it sends in the sender's place (§10.6).
            result = await _store.SubmitAsync(
                new SubmissionRequest
                {
                    Account = offer.SenderDomain,
                    Recipients = recipients,
                    TransitExpiry = DateTimeOffset.FromUnixTimeMilliseconds(offer.RequestedExpiryMs),
                    MimeHint = offer.MimeHint.Length == 0 ? null : offer.MimeHint,
                    DeclaredSize = offer.PayloadSize,
                    MessageId = localId,
                },
                content,
                cancellationToken).ConfigureAwait(false);
        }

        if (result.PayloadHash != offer.PayloadHash || result.Size != offer.PayloadSize)
        {
            // Cannot happen after the chunk checks; kept so that a receipt is never signed for other bytes.
            throw new InvalidOperationException("The committed blob does not match the offer's payload hash.");
        }

        Committed?.Invoke(result);
        var held = _store.FindMessage(localId) ?? throw new InvalidOperationException("A committed blob is missing from the index.");
        Counters.Accept();
        CustodyLogMessages.Accepted(_logger, offer.MessageId.ToString(), offer.PayloadSize, offer.SenderDomain, offer.RecipientDomain, held.TransitExpiry);
        return CustodyAnswer.Accepted(Receipt(offer, held, _keys()));
    }

    /// <summary>Fetches the whole blob from one door into the checked partial file; (true, _) when every byte is in and checked.</summary>
    private async Task<(bool Fetched, string Detail)> FetchFromAsync(CustodyOffer offer, IFetchSource source, PartialFileStream file, CancellationToken cancellationToken)
    {
        var delay = _options.RetryDelay;
        var fetchedOnce = false;
        for (var attempt = 1; ; attempt++)
        {
            // A zero-length blob still takes one fetch, which is what shows the capability is real.
            if (file.Length == offer.PayloadSize && (offer.PayloadSize > 0 || fetchedOnce))
            {
                return file.TryComplete() ? (true, "") : (false, $"{source.Address} served bytes that do not match the payload hash");
            }

            if (attempt > _options.AttemptsPerSource)
            {
                return (false, $"{source.Address} did not serve the whole blob in {_options.AttemptsPerSource} attempts");
            }

            try
            {
                var response = await source.FetchAsync(offer.TransferCapability, file, file.Length, file.Verifier, cancellationToken).ConfigureAwait(false);
                fetchedOnce = true;
                switch (response.Status)
                {
                    case MetaStatus.Ok when response.TotalSize != offer.PayloadSize:
                        file.DiscardPending();
                        return (false, $"{source.Address} serves {response.TotalSize} bytes, the offer says {offer.PayloadSize}");
                    case MetaStatus.Ok:
                        continue;
                    case MetaStatus.NotFound:
                        return (false, $"{source.Address} does not serve the transfer capability");
                    default:
                        return (false, $"{source.Address} answered {response.Status}");
                }
            }
            catch (PayloadMismatchException)
            {
                file.DiscardPending();
                return (false, $"{source.Address} served bytes that do not match the payload hash");
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or SocketException or TimeoutException
                                           || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
