using System.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Vectors;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// Datagrams built field by field and sealed with the bare AEAD, so a test can send what the engine's writer refuses to
/// write (reserved flag bits, attempt 0, records that break several rules at once).
/// </summary>
internal static class RawDatagrams
{
    /// <summary>A notification record's bytes (docs/PROTOCOL.md §4.2), whatever its fields.</summary>
    public static byte[] Notification(FetchCapability capability, RecipientHash hash, long expiryMs, string domain = "a.example",
        NotificationFlags flags = NotificationFlags.None, ushort attempt = 1, string mime = "")
    {
        var record = new NotificationRecord(capability, hash, expiryMs, 1024, capability.Value, attempt, flags,
            Encoding.ASCII.GetBytes(domain), Encoding.ASCII.GetBytes(mime), FetchHintList.Empty);
        var bytes = new byte[record.EncodedLength];
        record.Write(bytes);
        return bytes;
    }

    /// <summary>A retraction record's bytes (docs/PROTOCOL.md §4.2), whatever its fields.</summary>
    public static byte[] Retraction(FetchCapability capability, RecipientHash hash, RetractionFlags flags = RetractionFlags.None, string domain = "a.example")
    {
        var record = new RetractionRecord(capability, hash, flags, Encoding.ASCII.GetBytes(domain));
        var bytes = new byte[record.EncodedLength];
        record.Write(bytes);
        return bytes;
    }

    /// <summary>header || AEAD(body) from <paramref name="sender"/> to <paramref name="receiver"/> (§4.1, §4.3), a fresh random nonce.</summary>
    public static byte[] Seal(DomainKeySet sender, DomainKeySet receiver, DatagramType type, long sentAtMs, params byte[][] records)
    {
        var key = new byte[NotificationKey.Size];
        Assert.True(NotificationKey.TryDeriveSending(sender, receiver.AgreementPublicKey, key));
        var nonce = new byte[XChaCha20Poly1305.NonceSize];
        Random.Shared.NextBytes(nonce);
        byte[] header = [NotificationLimits.Version, (byte)type, .. sender.AgreementPublicKey, .. nonce];
        var body = SpecLayout.DatagramBody(sentAtMs, records);
        var datagram = new byte[header.Length + body.Length + XChaCha20Poly1305.TagSize];
        header.CopyTo(datagram, 0);
        XChaCha20Poly1305.Seal(key, nonce, body, header, datagram.AsSpan(header.Length));
        return datagram;
    }
}
