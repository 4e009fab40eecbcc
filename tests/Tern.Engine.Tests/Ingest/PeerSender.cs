using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Ingest;

/// <summary>A legitimate peer in the ingest tests: its own keys, sealing one-record notifications to a receiver.</summary>
internal sealed class PeerSender : IDisposable
{
    private readonly XChaCha20Poly1305Key _sendingKey = new();
    private readonly byte[] _buffer = new byte[NotificationLimits.MaxDatagramSize];

    public PeerSender(string domain, DomainKeySet receiver)
    {
        Keys = DomainKeySet.Generate(domain);
        var key = new byte[NotificationKey.Size];
        Assert.True(NotificationKey.TryDeriveSending(Keys, receiver.AgreementPublicKey, key));
        _sendingKey.Set(key);
    }

    public DomainKeySet Keys { get; }

    /// <summary>Seals from now on to <paramref name="receiver"/>'s agreement key (a receiver's other key set, §16.4).</summary>
    public void SealTo(DomainKeySet receiver)
    {
        var key = new byte[NotificationKey.Size];
        Assert.True(NotificationKey.TryDeriveSending(Keys, receiver.AgreementPublicKey, key));
        _sendingKey.Set(key);
    }

    public Bytes32 AgreementKey => new(Keys.AgreementPublicKey);

    /// <summary>A datagram sent at <paramref name="sentAtMs"/>, valid for an hour; the span is reused by the next call.</summary>
    public ReadOnlySpan<byte> Notification(long sentAtMs)
    {
        var writer = new DatagramWriter(_buffer, DatagramType.Notification, Keys.AgreementPublicKey, sentAtMs);
        Assert.True(writer.TryAdd(new NotificationRecord(FetchCapability.NewRandom(), RecipientHash.NewRandom(), sentAtMs + 3_600_000, 10, Bytes32.Random(), 1,
            NotificationFlags.None, "peer.example"u8, default, default)));
        return _buffer.AsSpan(0, writer.Seal(_sendingKey));
    }

    public void Dispose()
    {
        _sendingKey.Dispose();
        Keys.Dispose();
    }
}
