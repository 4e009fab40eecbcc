using System.Text;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Protocol;

/// <summary>Two domains' keys and helpers to build records, shared by the notification tests.</summary>
internal sealed class NotificationFixture : IDisposable
{
    public const long Now = 1_790_000_000_000;

    public DomainKeySet Sender { get; } = DomainKeySet.Generate("a.example");
    public DomainKeySet Receiver { get; } = DomainKeySet.Generate("b.example");
    public byte[] SendKey { get; } = new byte[NotificationKey.Size];
    public byte[] ReceiveKey { get; } = new byte[NotificationKey.Size];
    public byte[] Hints { get; } = FetchHintList.Encode(["https://node.a.example:7443", "tern+tcp://node.a.example:7401"]);

    public NotificationFixture()
    {
        Assert.True(NotificationKey.TryDeriveSending(Sender, Receiver.AgreementPublicKey, SendKey));
        Assert.True(NotificationKey.TryDeriveReceiving(Receiver, Sender.AgreementPublicKey, ReceiveKey));
    }

    public static NotificationRecord Record(FetchCapability capability, RecipientHash hash, ReadOnlySpan<byte> domain, ReadOnlySpan<byte> mime, ReadOnlySpan<byte> hints, ushort attempt = 1)
    {
        Assert.True(FetchHintList.TryCreate(hints, out var list));
        return new NotificationRecord(capability, hash, Now + 86_400_000, 1024, Bytes32.Random(), attempt, NotificationFlags.None, domain, mime, list);
    }

    /// <summary>A sealed datagram with <paramref name="count"/> records, returned as an exact-length array.</summary>
    public byte[] Seal(int count, long sentAt = Now)
    {
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Notification, Sender.AgreementPublicKey, sentAt);
        for (var i = 0; i < count; i++)
        {
            Assert.True(writer.TryAdd(Record(FetchCapability.NewRandom(), RecipientHash.NewRandom(), "a.example"u8, "message/822"u8, Hints)));
        }

        return buffer[..writer.Seal(SendKey)];
    }

    public static string Text(ReadOnlySpan<byte> ascii) => Encoding.ASCII.GetString(ascii);

    public void Dispose()
    {
        Sender.Dispose();
        Receiver.Dispose();
    }
}
