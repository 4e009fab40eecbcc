using System.Text;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Engine.Bulk;

public sealed partial class BulkSender
{
    /// <summary>
    /// The blobs that go in the session, in order, each with its manifest entry and a transfer capability to read it by;
    /// the others are marked declined in <paramref name="outcomes"/>. The earliest-arrival check (§17.7): a blob goes only
    /// if, behind the bytes queued for the peer and the blobs before it, it is sent before the contact ends and arrives at
    /// least <see cref="BulkSenderOptions.MinRemaining"/> before its expiry.
    /// </summary>
    private (List<BulkManifestEntry> Entries, List<int> Indices, List<FetchCapability> Transfers) Select(IReadOnlyList<BulkBlob> blobs, BulkContact contact, PeerQueue peer, BulkBlobOutcome[] outcomes)
    {
        var entries = new List<BulkManifestEntry>();
        var indices = new List<int>();
        var transfers = new List<FetchCapability>();
        var now = _time.GetUtcNow();
        long ahead = Volatile.Read(ref peer.QueuedBytes) + 512;
        var ownDomain = _keys().Domain;
        for (var i = 0; i < blobs.Count; i++)
        {
            outcomes[i] = BulkBlobOutcome.Declined;
            var blob = blobs[i];
            var domain = DomainName.Normalize(blob.RecipientDomain);
            if (entries.Count == BulkManifest.MaxBlobs)
            {
                Decline(blob, $"a session carries at most {BulkManifest.MaxBlobs} blobs");
                continue;
            }

            if (_store.FindMessage(blob.MessageId) is not { } info)
            {
                Decline(blob, "not in the transit store");
                continue;
            }

            var hashes = new List<RecipientHash>();
            foreach (var delivery in info.Deliveries)
            {
                if (delivery.State == DeliveryState.Outstanding && delivery.DestinationDomain == domain)
                {
                    hashes.Add(delivery.RecipientHash);
                }
            }

            var mime = info.MimeHint ?? "";
            if (hashes.Count is 0 or > BulkManifest.MaxRecipients || mime.Length > 127 || !WireFields.IsPrintableAscii(Encoding.UTF8.GetBytes(mime)))
            {
                Decline(blob, hashes.Count == 0 ? $"no Outstanding delivery to {domain}" : "its recipients or MIME hint do not fit a manifest entry");
                continue;
            }

            var sender = DomainName.IsValid(Encoding.UTF8.GetBytes(info.Account)) ? info.Account : ownDomain;
            var entry = new BulkManifestEntry(blob.MessageId, info.PayloadHash, info.Size, info.TransitExpiry.ToUnixTimeMilliseconds(), sender, domain, mime, hashes);
            // Sent by the contact's end (nothing is sent after it, §17.6), it arrives a light time later, maybe long after.
            var sent = now + BulkBound.FirstPass(ahead + entry.EncodedLength + info.Size, contact, _options);
            var arrival = sent + contact.OneWayLightTime;
            if (info.TransitExpiry - arrival < _options.MinRemaining || (contact.End is { } end && sent > end))
            {
                Decline(blob, $"it would be sent by {sent:O} and arrive at {arrival:O}: too late for its expiry {info.TransitExpiry:O} or the contact's end");
                continue;
            }

            if (_store.OpenTransfer(blob.MessageId, domain) is not { } transfer)
            {
                Decline(blob, "its deliveries are no longer Outstanding");
                continue;
            }

            ahead += entry.EncodedLength + info.Size;
            entries.Add(entry);
            indices.Add(i);
            transfers.Add(transfer);
        }

        return (entries, indices, transfers);
    }

    private void Decline(BulkBlob blob, string detail) =>
        BulkLogMessages.Declined(_logger, blob.MessageId.ToString(), blob.RecipientDomain, detail);
}
