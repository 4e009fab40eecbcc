using System.Text;
using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    private static (string[] Domains, QuotaReservation Quota) ValidateRequest(SubmissionRequest request)
    {
        if (string.IsNullOrEmpty(request.Account) || Encoding.UTF8.GetByteCount(request.Account) > 255)
        {
            throw new ArgumentException("Account must be 1–255 UTF-8 bytes.", nameof(request));
        }

        // A media type (RFC 6838) is printable ASCII; the fetch doors send the hint back as a header value.
        if (request.MimeHint is not null && (request.MimeHint.Length > 255 || request.MimeHint.AsSpan().ContainsAnyExceptInRange(' ', '~')))
        {
            throw new ArgumentException("MimeHint must be at most 255 characters of printable ASCII (a media type such as text/plain).", nameof(request));
        }

        var recipients = request.Recipients;
        if (recipients is null || recipients.Count == 0 || recipients.Count > MaxRecipients)
        {
            throw new ArgumentException($"A submission needs 1–{MaxRecipients} recipients, got {recipients?.Count ?? 0}.", nameof(request));
        }

        var domains = new string[recipients.Count];
        var distinct = new List<string>(1);
        var perDomain = new List<int>(1);
        for (var i = 0; i < domains.Length; i++)
        {
            var domain = DomainName.Normalize(recipients[i].Domain);
            domains[i] = domain;
            var at = distinct.IndexOf(domain);
            if (at < 0)
            {
                distinct.Add(domain);
                perDomain.Add(1);
            }
            else
            {
                perDomain[at]++;
            }
        }

        return (domains, new QuotaReservation(request.Account, [.. distinct], [.. perDomain]));
    }

    private void CheckExpiry(DateTimeOffset expiry, long expiryMs, long nowMs)
    {
        if (expiryMs <= nowMs)
        {
            throw new ArgumentException($"TransitExpiry {expiry:O} is not in the future; a transit expiry is mandatory.", nameof(expiry));
        }

        var max = _options.MaxTransit;
        if (expiryMs - nowMs > (long)max.TotalMilliseconds)
        {
            throw new ArgumentException($"TransitExpiry {expiry:O} is beyond MaxTransit ({max}) from now.", nameof(expiry));
        }

        var accountMax = _options.AccountMaxExpiry;
        if (expiryMs - nowMs > (long)accountMax.TotalMilliseconds)
        {
            throw new TransitQuotaException($"TransitExpiry {expiry:O} is beyond AccountMaxExpiry ({accountMax}) from now.") { Limit = nameof(TransitStoreOptions.AccountMaxExpiry) };
        }
    }

    /// <summary>
    /// Holds <paramref name="bytes"/> more against the account's and domains' live-byte limits, or throws naming the limit.
    /// An <paramref name="incremental"/> reservation (undeclared size) also refuses to start when a limit is already reached.
    /// </summary>
    private void ReserveQuotaLocked(QuotaReservation quota, long bytes, bool incremental)
    {
        var storeLimit = _options.MaxBytes;
        if (storeLimit > 0)
        {
            var held = _ledger.LiveBytes + _ledger.ReservedBytes;
            if (held + bytes > storeLimit || (incremental && bytes == 0 && held >= storeLimit))
            {
                throw new TransitQuotaException($"The transit store would hold {held + bytes} live bytes, over MaxBytes ({storeLimit} bytes): submissions are refused until deliveries are fetched, retracted or expire.")
                {
                    Limit = nameof(TransitStoreOptions.MaxBytes),
                };
            }
        }

        var freeMark = _options.MinFreeBytes;
        if (freeMark > 0)
        {
            var available = _freeSpace.Available();
            if (available - bytes < freeMark || (incremental && bytes == 0 && available < freeMark))
            {
                throw new TransitQuotaException($"The data directory's file system has {available} bytes free; storing {bytes} more would go below MinFreeBytes ({freeMark} bytes): submissions are refused until space is freed.")
                {
                    Limit = nameof(TransitStoreOptions.MinFreeBytes),
                };
            }
        }

        var accountLimit = _options.AccountLiveBytesLimit;
        var account = _ledger.Account(quota.Account);
        if (accountLimit > 0)
        {
            var held = account.LiveBytes + account.ReservedBytes;
            if (held + bytes > accountLimit || (incremental && bytes == 0 && held >= accountLimit))
            {
                throw new TransitQuotaException($"Account '{quota.Account}' would hold {held + bytes} live bytes in transit, over AccountLiveBytesLimit ({accountLimit} bytes).")
                {
                    Limit = nameof(TransitStoreOptions.AccountLiveBytesLimit),
                };
            }
        }

        var domainLimit = _options.DomainLiveBytesLimit;
        if (domainLimit > 0)
        {
            for (var i = 0; i < quota.Domains.Length; i++)
            {
                var domain = _ledger.Domain(quota.Domains[i]);
                var held = domain.LiveBytes + domain.ReservedBytes;
                var more = bytes * quota.DeliveriesPerDomain[i];
                if (held + more > domainLimit || (incremental && bytes == 0 && held >= domainLimit))
                {
                    throw new TransitQuotaException($"Destination domain '{quota.Domains[i]}' would hold {held + more} live bytes in transit, over DomainLiveBytesLimit ({domainLimit} bytes).")
                    {
                        Limit = nameof(TransitStoreOptions.DomainLiveBytesLimit),
                    };
                }
            }
        }

        if (freeMark > 0)
        {
            _freeSpace.Reserved(bytes);
        }

        account.ReservedBytes += bytes;
        _ledger.ReservedBytes += bytes;
        for (var i = 0; i < quota.Domains.Length; i++)
        {
            _ledger.Domain(quota.Domains[i]).ReservedBytes += bytes * quota.DeliveriesPerDomain[i];
        }

        quota.Bytes += bytes;
    }

    private void ReleaseQuotaLocked(QuotaReservation quota)
    {
        _ledger.Account(quota.Account).ReservedBytes -= quota.Bytes;
        _ledger.ReservedBytes -= quota.Bytes;
        for (var i = 0; i < quota.Domains.Length; i++)
        {
            _ledger.Domain(quota.Domains[i]).ReservedBytes -= quota.Bytes * quota.DeliveriesPerDomain[i];
        }

        quota.Bytes = 0;
    }
}
