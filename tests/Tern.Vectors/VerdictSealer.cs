using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol.Notification;

namespace Tern.Vectors;

/// <summary>
/// Builds the datagrams of datagram-verdicts.json from a.example to b.example. Well-formed bodies come from the engine's
/// writer; a case that needs a value the writer refuses (a reserved flag bit, attempt 0) takes a well-formed body, sets
/// that one field in the plaintext and seals it again with the bare AEAD, so the datagram differs from a valid one in
/// exactly the field the case is about.
/// </summary>
internal sealed class VerdictSealer
{
    private readonly VectorKeys _keys;

    public VerdictSealer(VectorKeys keys)
    {
        _keys = keys;
        Key = new byte[NotificationKey.Size];
        if (!NotificationKey.TryDeriveSending(keys.A, keys.B.AgreementPublicKey, Key))
        {
            throw new InvalidOperationException("The vector keys must agree.");
        }
    }

    /// <summary>k(a.example → b.example), §4.3.</summary>
    public byte[] Key { get; }

    /// <summary>The header and plaintext body of a notification datagram holding <paramref name="records"/>.</summary>
    public (byte[] Header, byte[] Plaintext) Notification(long sentAtMs, byte nonceSeed, params NotificationInput[] records)
    {
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Notification, _keys.A.AgreementPublicKey, VectorInputs.Run(nonceSeed, 24), sentAtMs);
        foreach (var input in records)
        {
            if (!FetchHintList.TryCreate(FetchHintList.Encode(input.FetchHints), out var hints)
                || !writer.TryAdd(new NotificationRecord(input.Capability, input.RecipientHash, input.TransitExpiryMs, input.PayloadSize, input.PayloadHash,
                    input.Attempt, input.Flags, Encoding.ASCII.GetBytes(input.SenderDomain), Encoding.ASCII.GetBytes(input.MimeHint), hints)))
            {
                throw new InvalidOperationException("The base records must encode.");
            }
        }

        return Open(buffer.AsSpan(0, writer.Seal(Key)));
    }

    /// <summary>The header and plaintext body of a retraction datagram holding <paramref name="records"/>.</summary>
    public (byte[] Header, byte[] Plaintext) Retraction(long sentAtMs, byte nonceSeed, params RetractionInput[] records)
    {
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Retraction, _keys.A.AgreementPublicKey, VectorInputs.Run(nonceSeed, 24), sentAtMs);
        foreach (var input in records)
        {
            if (!writer.TryAdd(new RetractionRecord(input.Capability, input.RecipientHash, input.Flags, Encoding.ASCII.GetBytes(input.SenderDomain))))
            {
                throw new InvalidOperationException("The base records must encode.");
            }
        }

        return Open(buffer.AsSpan(0, writer.Seal(Key)));
    }

    /// <summary>header || XChaCha20-Poly1305(k, nonce = header[34..58], plaintext, associated data = header), §4.1.</summary>
    public byte[] Seal(byte[] header, byte[] plaintext)
    {
        var datagram = new byte[header.Length + plaintext.Length + XChaCha20Poly1305.TagSize];
        header.CopyTo(datagram, 0);
        XChaCha20Poly1305.Seal(Key, header.AsSpan(34, XChaCha20Poly1305.NonceSize), plaintext, header, datagram.AsSpan(header.Length));
        return datagram;
    }

    /// <summary>Where record <paramref name="index"/> starts in a plaintext body (after its u16 length), §4.1.</summary>
    public static int RecordStart(byte[] plaintext, int index)
    {
        var offset = NotificationLimits.BodyHeaderSize;
        for (var i = 0; i < index; i++)
        {
            offset += 2 + BinaryPrimitives.ReadUInt16BigEndian(plaintext.AsSpan(offset));
        }

        return offset + 2;
    }

    private (byte[] Header, byte[] Plaintext) Open(ReadOnlySpan<byte> datagram)
    {
        var header = datagram[..NotificationLimits.HeaderSize].ToArray();
        var plaintext = new byte[datagram.Length - NotificationLimits.HeaderSize - NotificationLimits.TagSize];
        if (!XChaCha20Poly1305.TryOpen(Key, header.AsSpan(34, XChaCha20Poly1305.NonceSize), datagram[NotificationLimits.HeaderSize..], header, plaintext))
        {
            throw new InvalidOperationException("A datagram the writer sealed must open.");
        }

        return (header, plaintext);
    }
}
