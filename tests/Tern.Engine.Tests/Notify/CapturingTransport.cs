using System.Net;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Notify;

/// <summary>A transport that opens every datagram with the receiving domain's keys and keeps what it carried.</summary>
public sealed class CapturingTransport : IDatagramTransport
{
    private readonly Dictionary<IPEndPoint, DomainKeySet> _receivers = [];
    private readonly byte[] _plaintext = new byte[NotificationLimits.MaxBodySize];
    private readonly byte[] _key = new byte[NotificationKey.Size];

    public List<CapturedDatagram> Datagrams { get; } = [];

    public int Flushes { get; private set; }

    public void AddReceiver(IPEndPoint endpoint, DomainKeySet keys) => _receivers.Add(endpoint, keys);

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        Assert.True(datagram.Length <= NotificationLimits.MaxDatagramSize, $"datagram of {datagram.Length} bytes");
        Assert.Equal(DropReason.None, DatagramHeader.TryRead(datagram, out var header));
        Assert.True(NotificationKey.TryDeriveReceiving(_receivers[destination], header.SenderKey, _key));
        Assert.Equal(DropReason.None, DatagramBody.TryOpen(header, _key, _plaintext, out var body));
        var records = new List<CapturedRecord>();
        foreach (var record in body.Notifications)
        {
            records.Add(new CapturedRecord(record.Capability, record.RecipientHash, record.Attempt, AfterFetch: false, System.Text.Encoding.ASCII.GetString(record.MimeHint))
            {
                ViaGateway = (record.Flags & NotificationFlags.ViaGateway) != 0,
                SenderDomain = System.Text.Encoding.ASCII.GetString(record.SenderDomain),
            });
        }

        foreach (var record in body.Retractions)
        {
            records.Add(new CapturedRecord(record.Capability, record.RecipientHash, 0, (record.Flags & RetractionFlags.AfterFetch) != 0, ""));
        }

        Datagrams.Add(new CapturedDatagram(destination, datagram.Length, header.Type, body.SentAtMs, records));
    }

    public void Flush() => Flushes++;

    public IEnumerable<CapturedRecord> Notifications(FetchCapability capability)
        => Datagrams.Where(d => d.Type == DatagramType.Notification).SelectMany(d => d.Records).Where(r => r.Capability == capability);

    public IEnumerable<CapturedRecord> Retractions(FetchCapability capability)
        => Datagrams.Where(d => d.Type == DatagramType.Retraction).SelectMany(d => d.Records).Where(r => r.Capability == capability);
}

public sealed record CapturedDatagram(IPEndPoint Destination, int Length, DatagramType Type, long SentAtMs, List<CapturedRecord> Records);

public sealed record CapturedRecord(FetchCapability Capability, RecipientHash RecipientHash, ushort Attempt, bool AfterFetch, string MimeHint)
{
    /// <summary>The record's <c>via_gateway</c> flag (notification records only).</summary>
    public bool ViaGateway { get; init; }

    /// <summary>The record's <c>sender_domain</c> (notification records only).</summary>
    public string SenderDomain { get; init; } = "";
}
