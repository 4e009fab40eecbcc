using System.Net;
using System.Net.Sockets;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.E2e.Tests;

/// <summary>
/// A peer of its own key set (peer.example) sealing one-record notifications to an agreement key the test chooses — b.example's
/// previous one, copied before its rotation — as a peer that never picked up the rotated descriptor would.
/// </summary>
internal sealed class RotationPeer : IDisposable
{
    private readonly DomainKeySet _keys = DomainKeySet.Generate("peer.example");
    private readonly byte[] _sendKey = new byte[NotificationKey.Size];
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public RotationPeer(ReadOnlySpan<byte> receiverAgreementKey)
    {
        Assert.True(NotificationKey.TryDeriveSending(_keys, receiverAgreementKey, _sendKey));
        _socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 0));
    }

    /// <summary>One notification under a fresh capability to <paramref name="port"/>.</summary>
    public void Send(IPEndPoint port)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Notification, _keys.AgreementPublicKey, now);
        Assert.True(writer.TryAdd(new NotificationRecord(FetchCapability.NewRandom(), RecipientHash.NewRandom(), now + 3_600_000, 10, Bytes32.Random(), 1,
            NotificationFlags.None, "peer.example"u8, default, default)));
        _socket.SendTo(buffer.AsSpan(0, writer.Seal(_sendKey)), port);
    }

    public void Dispose()
    {
        _socket.Dispose();
        _keys.Dispose();
    }
}
