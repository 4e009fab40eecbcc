using System.Net;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Fetch.Tests;

/// <summary>
/// The destination domain as a gateway's scheduler reaches it: a transport that opens every notification datagram with
/// the recipient domain's keys and keeps, in the order first notified, the capabilities and recipient hashes it named.
/// The scheduler's loop thread sends; the test reads.
/// </summary>
public sealed class NotifiedRecipient : IDatagramTransport, IDisposable
{
    public static readonly IPEndPoint Endpoint = new(IPAddress.Loopback, 7401);

    private readonly Lock _lock = new();
    private readonly byte[] _plaintext = new byte[NotificationLimits.MaxBodySize];
    private readonly byte[] _key = new byte[NotificationKey.Size];
    private readonly Dictionary<FetchCapability, RecipientHash> _seen = [];
    private readonly List<FetchCapability> _order = [];

    public NotifiedRecipient(string domain) => Keys = DomainKeySet.Generate(domain);

    public DomainKeySet Keys { get; }

    /// <summary>The peer a scheduler's resolver gives for this domain.</summary>
    public NotificationPeer Peer => new(Keys.Domain, new Bytes32(Keys.AgreementPublicKey), Endpoint);

    /// <summary>Notification records that came with the <c>via_gateway</c> flag (§10.6).</summary>
    public int ViaGatewayRecords { get; private set; }

    /// <summary>Datagrams that did not open or parse: none, from a correct sender.</summary>
    public int Unreadable { get; private set; }

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        lock (_lock)
        {
            if (DatagramHeader.TryRead(datagram, out var header) != DropReason.None || !NotificationKey.TryDeriveReceiving(Keys, header.SenderKey, _key)
                || DatagramBody.TryOpen(header, _key, _plaintext, out var body) != DropReason.None)
            {
                Unreadable++;
                return;
            }

            foreach (var record in body.Notifications)
            {
                ViaGatewayRecords += (record.Flags & NotificationFlags.ViaGateway) != 0 ? 1 : 0;
                if (_seen.TryAdd(record.Capability, record.RecipientHash))
                {
                    _order.Add(record.Capability);
                }
            }
        }
    }

    public void Flush()
    {
    }

    /// <summary>True once a notification named <paramref name="capability"/>.</summary>
    public bool Notified(FetchCapability capability)
    {
        lock (_lock)
        {
            return _seen.ContainsKey(capability);
        }
    }

    /// <summary>What was notified, oldest first, with the recipient hash each record named.</summary>
    public List<(FetchCapability Capability, RecipientHash Recipient)> InOrder()
    {
        lock (_lock)
        {
            return [.. _order.Select(c => (c, _seen[c]))];
        }
    }

    public void Dispose() => Keys.Dispose();
}
