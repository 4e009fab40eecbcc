using System.Net;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Discovery.Tests;

/// <summary>A transport that keeps every datagram, to be opened later with whichever receiver keys the test holds.</summary>
public sealed class OpeningTransport : IDatagramTransport
{
    private readonly List<(byte[] Datagram, IPEndPoint Destination)> _sent = [];

    public int Count
    {
        get
        {
            lock (_sent)
            {
                return _sent.Count;
            }
        }
    }

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        lock (_sent)
        {
            _sent.Add((datagram.ToArray(), destination));
        }
    }

    public void Flush()
    {
    }

    /// <summary>The datagrams carrying <paramref name="capability"/>, in order, each with whether the first of <paramref name="receivers"/> is the one that opens it.</summary>
    public List<(IPEndPoint Destination, bool Opens, ushort Attempt)> For(FetchCapability capability, params DomainKeySet[] receivers)
    {
        var result = new List<(IPEndPoint, bool, ushort)>();
        List<(byte[] Datagram, IPEndPoint Destination)> sent;
        lock (_sent)
        {
            sent = [.. _sent];
        }

        foreach (var (datagram, destination) in sent)
        {
            foreach (var receiver in receivers)
            {
                if (TryOpen(datagram, receiver, capability, out var attempt) is { } carries)
                {
                    if (carries)
                    {
                        result.Add((destination, receiver == receivers[0], attempt));
                    }

                    break;
                }
            }
        }

        return result;
    }

    /// <summary>Null when <paramref name="receiver"/> cannot open it; else whether it carries <paramref name="capability"/>.</summary>
    private static bool? TryOpen(byte[] datagram, DomainKeySet receiver, FetchCapability capability, out ushort attempt)
    {
        attempt = 0;
        var key = new byte[NotificationKey.Size];
        var plaintext = new byte[NotificationLimits.MaxBodySize];
        if (DatagramHeader.TryRead(datagram, out var header) != DropReason.None
            || !NotificationKey.TryDeriveReceiving(receiver, header.SenderKey, key)
            || DatagramBody.TryOpen(header, key, plaintext, out var body) != DropReason.None)
        {
            return null;
        }

        foreach (var record in body.Notifications)
        {
            if (record.Capability == capability)
            {
                attempt = record.Attempt;
                return true;
            }
        }

        return false;
    }
}
