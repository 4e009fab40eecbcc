using System.Net;

namespace Tern.Engine.Bulk;

public sealed partial class BulkSender
{
    /// <summary>
    /// One datagram from a peer gateway (the socket's receive thread). Reports steer the session's repairs, a receipt that
    /// verifies ends it, a cancel ends it; anything malformed, of no session here, or of a type a sender does not take is
    /// dropped and counted (§17.2). Never throws for what the datagram holds.
    /// </summary>
    public void Receive(ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (!BulkDatagram.TryReadHeader(datagram, out var type, out var flags, out var id))
        {
            Counters.Malform();
            return;
        }

        if (!_sessions.TryGetValue(id, out var running))
        {
            ReceiveLate(type, id, datagram, from);
            return;
        }

        var session = running.Session;
        if (!running.Check.Peer.Equals(from))
        {
            Counters.Foreign();
            return;
        }

        switch (type)
        {
            case BulkDatagramType.Report:
                if (!BulkDatagram.TryReadReport(datagram, flags, out var complete, out var serial, out _, out var ranges))
                {
                    Counters.Malform();
                }
                else if (!session.OnReport(datagram.Length, complete, serial, ranges, ranges.Length / BulkDatagram.RangeSize))
                {
                    Counters.Unexpect();
                }

                return;
            case BulkDatagramType.Receipt:
                var receipt = datagram[BulkDatagram.HeaderSize..];
                if (Verify(running.Check, receipt) is { } error)
                {
                    Counters.RejectReceipt();
                    session.CountReceived(datagram.Length);
                    BulkLogMessages.ReceiptRejected(_logger, id.ToString(), error);
                    return;
                }

                if (!session.OnReceipt(receipt.ToArray(), datagram.Length))
                {
                    // The session ended as it came: a timed-out session's receipt is a late one.
                    ReceiveLate(type, id, datagram, from);
                }

                return;
            case BulkDatagramType.Cancel:
                if (BulkDatagram.TryReadCancel(datagram, flags, out var reason))
                {
                    session.OnCancel(reason, datagram.Length);
                }
                else
                {
                    Counters.Malform();
                }

                return;
            default:
                Counters.Unexpect();
                return;
        }
    }

    /// <summary>
    /// Checks a session receipt (§17.5): it parses and its signature verifies, under a signing key of the peer's verified
    /// descriptor, for this session, this manifest (by hash), the peer's domain, one flag per entry, and the Merkle root
    /// of the entries it marks; <c>accepted_at</c> is not in the future beyond §4.4's skew. Null when it holds.
    /// </summary>
    private string? Verify(ReceiptCheck session, ReadOnlySpan<byte> bytes)
    {
        if (BulkReceipt.TryParse(bytes) is not { } receipt)
        {
            return "malformed or not signed by its key";
        }

        if (Array.IndexOf(session.PeerKeys, receipt.GatewaySigningKey) < 0)
        {
            return $"not signed by {session.PeerGateway}'s descriptor key";
        }

        if (receipt.Session != session.Session || !string.Equals(receipt.GatewayDomain, session.PeerGateway, StringComparison.Ordinal)
            || receipt.ManifestHash != BulkReceipt.HashManifest(session.ManifestBytes) || receipt.Accepted.Length != session.Manifest.Entries.Count)
        {
            return "for another session, gateway or manifest";
        }

        if (receipt.AcceptedAtMs > _time.GetUtcNow().ToUnixTimeMilliseconds() + 120_000)
        {
            return "accepted_at is in the future";
        }

        return receipt.Root != BulkMerkle.Root(session.Manifest, receipt.Accepted) ? "its Merkle root does not match the manifest's entries" : null;
    }
}
