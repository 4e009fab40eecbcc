using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Custody;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Transit;

namespace Tern.Engine.Custody;

public sealed partial class CustodySender
{
    /// <summary>
    /// Offers the deliveries of one blob to one routed destination until the offer ends (docs/PROTOCOL.md §10.5): a
    /// verified receipt, a decline that holds, a refused receipt, no Outstanding delivery left, or the node stopping.
    /// </summary>
    private async Task RunOfferAsync(MessageId messageId, string domain, string gateway, CancellationToken cancellationToken)
    {
        var attempt = new OfferAttempt(messageId, domain, gateway);
        var backoff = _options.RetryInitial;
        _status[(messageId, domain)] = new CustodyOfferStatus(gateway, CustodyOfferAnswer.None, null, null, 0);
        try
        {
            while (_store.HasOutstanding(messageId, domain))
            {
                OfferStep step;
                await _concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    step = await OfferOnceAsync(attempt, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _concurrency.Release();
                }

                if (step.Done)
                {
                    return;
                }

                var wait = step.RetryAfter ?? backoff;
                if (step.RetryAfter is null)
                {
                    backoff = backoff * 2 < _options.RetryMax ? backoff * 2 : _options.RetryMax;
                }

                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (attempt.Transfer is { } transfer)
            {
                _store.CloseTransfer(transfer);
            }

            _status.TryRemove((messageId, domain), out _);
            _offers.TryRemove((messageId, domain), out _);
        }
    }

    private async Task<OfferStep> OfferOnceAsync(OfferAttempt attempt, CancellationToken cancellationToken)
    {
        var id = attempt.MessageId.ToString();
        var descriptor = await _descriptors.ResolveAsync(attempt.Gateway, cancellationToken).ConfigureAwait(false);
        if (descriptor is null)
        {
            CustodyLogMessages.OfferRetry(_logger, id, attempt.Domain, attempt.Gateway, "no verified descriptor of the gateway", _options.RetryInitial, null);
            Record(attempt, CustodyOfferAnswer.None, null, "no verified descriptor of the gateway");
            return OfferStep.Retry;
        }

        if (attempt.Offer is null && !TryPrepare(attempt))
        {
            return OfferStep.End;
        }

        byte[]? answerBytes;
        try
        {
            Counters.OfferSent();
            attempt.Sent++;
            answerBytes = await _client.OfferAsync(descriptor.Fetch, attempt.OfferBytes!, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            CustodyLogMessages.OfferRetry(_logger, id, attempt.Domain, attempt.Gateway, e.Message, _options.RetryInitial, e);
            Record(attempt, CustodyOfferAnswer.None, null, e.Message);
            return OfferStep.Retry;
        }

        if (answerBytes is null)
        {
            CustodyLogMessages.OfferRetry(_logger, id, attempt.Domain, attempt.Gateway, "no door of the gateway's descriptor takes offers", _options.RetryInitial, null);
            Record(attempt, CustodyOfferAnswer.None, null, "no door of the gateway's descriptor takes offers");
            return OfferStep.Retry;
        }

        if (!CustodyAnswer.TryParse(answerBytes, out var answer, out var error))
        {
            CustodyLogMessages.OfferRetry(_logger, id, attempt.Domain, attempt.Gateway, $"the answer is malformed: {error}", _options.RetryInitial, null);
            Record(attempt, CustodyOfferAnswer.None, null, "the gateway's answer was malformed");
            return OfferStep.Retry;
        }

        switch (answer.Status)
        {
            case CustodyAnswerStatus.Accepted:
                return await AcceptAsync(attempt, descriptor, answer.Receipt).ConfigureAwait(false);
            case CustodyAnswerStatus.InProgress:
                var retryMs = Math.Clamp(answer.RetryAfterMs, 10u, 60_000u);
                Record(attempt, CustodyOfferAnswer.InProgress, null, null);
                return new OfferStep(false, TimeSpan.FromMilliseconds(retryMs));
            default:
                Counters.DeclinedBy(answer.Reason);
                var transient = CustodyAnswer.IsTransient(answer.Reason);
                CustodyLogMessages.OfferDeclined(_logger, attempt.Gateway, id, attempt.Domain, answer.Reason, answer.Detail, transient ? "offered again later" : "this node notifies them itself");
                if (transient)
                {
                    Record(attempt, CustodyOfferAnswer.Declined, answer.Reason, answer.Detail);
                    return OfferStep.Retry;
                }

                Release(attempt);
                return OfferStep.End;
        }
    }

    /// <summary>Checks the receipt against the offer and the gateway's keys; transfers on a valid one, releases the hold otherwise.</summary>
    private async Task<OfferStep> AcceptAsync(OfferAttempt attempt, DomainDescriptor gateway, ReadOnlyMemory<byte> receiptBytes)
    {
        var now = _time.GetUtcNow();
        var verdict = CustodyReceiptCheck.Check(attempt.Offer!, receiptBytes.Span, CustodyKeys.SigningKeys(gateway, now), now, out var receipt);
        if (verdict != ReceiptVerdict.Valid)
        {
            // The obligation stays here (§10.5): a gateway whose receipts do not verify is not trusted with the blob.
            Counters.RefuseReceipt();
            CustodyLogMessages.ReceiptRefused(_logger, attempt.Gateway, attempt.MessageId.ToString(), attempt.Domain, verdict);
            Release(attempt);
            return OfferStep.End;
        }

        await _store.MarkTransferredAsync(attempt.MessageId, attempt.Domain).ConfigureAwait(false);
        Counters.Transfer();
        CustodyLogMessages.Transferred(_logger, attempt.MessageId.ToString(), attempt.Domain, attempt.Gateway, DateTimeOffset.FromUnixTimeMilliseconds(receipt.HonouredExpiryMs));
        return OfferStep.End;
    }

    /// <summary>Opens the transfer capability and signs the offer, once per attempt; false when nothing is left to offer.</summary>
    private bool TryPrepare(OfferAttempt attempt)
    {
        if (_store.FindMessage(attempt.MessageId) is not { } message)
        {
            return false;
        }

        var hashes = message.Deliveries
            .Where(d => d.State == DeliveryState.Outstanding && d.DestinationDomain == attempt.Domain)
            .Select(d => d.RecipientHash)
            .Distinct()
            .ToArray();
        if (hashes.Length == 0 || _store.OpenTransfer(attempt.MessageId, attempt.Domain) is not { } transfer)
        {
            return false;
        }

        attempt.Transfer = transfer;
        var keys = _keys();
        var mime = message.MimeHint is { Length: <= CustodyOffer.MaxMimeHint } hint ? hint : "";
        var offer = new CustodyOffer
        {
            MessageId = attempt.MessageId,
            TransferCapability = transfer,
            PayloadHash = message.PayloadHash,
            PayloadSize = message.Size,
            RequestedExpiryMs = message.TransitExpiry.ToUnixTimeMilliseconds(),
            OfferedAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            SenderSigningKey = new Bytes32(keys.SigningPublicKey),
            SenderDomain = keys.Domain,
            RecipientDomain = attempt.Domain,
            GatewayDomain = attempt.Gateway,
            MimeHint = mime,
            RecipientHashes = hashes,
        };
        var bytes = new byte[offer.EncodedLength];
        offer.Sign(keys, bytes);
        attempt.Offer = offer;
        attempt.OfferBytes = bytes;
        return true;
    }

    private void Release(OfferAttempt attempt) => _released.TryAdd((attempt.MessageId, attempt.Domain), 0);

    private void Record(OfferAttempt attempt, CustodyOfferAnswer answer, CustodyDeclineReason? reason, string? detail) =>
        _status[(attempt.MessageId, attempt.Domain)] = new CustodyOfferStatus(attempt.Gateway, answer, reason, detail, attempt.Sent);

    /// <summary>One blob × destination being offered: the signed offer, repeated as it is, and its transfer capability.</summary>
    private sealed class OfferAttempt(MessageId messageId, string domain, string gateway)
    {
        public MessageId MessageId { get; } = messageId;

        public string Domain { get; } = domain;

        public string Gateway { get; } = gateway;

        public FetchCapability? Transfer { get; set; }

        public CustodyOffer? Offer { get; set; }

        public byte[]? OfferBytes { get; set; }

        /// <summary>Offers sent for it by this process.</summary>
        public int Sent { get; set; }
    }

    /// <summary>What one offer led to: the end, or another offer after <see cref="RetryAfter"/> (null: the backoff).</summary>
    private readonly record struct OfferStep(bool Done, TimeSpan? RetryAfter)
    {
        public static OfferStep End => new(true, null);

        public static OfferStep Retry => new(false, null);
    }
}
