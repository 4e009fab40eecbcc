using System.Buffers.Binary;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol.Notification;

/// <summary>
/// Builds one notification datagram in the caller's buffer (docs/PROTOCOL.md §4.1): header, then records,
/// then <see cref="Seal(XChaCha20Poly1305Key)"/> encrypts the body in place. No allocation.
/// </summary>
public ref struct DatagramWriter
{
    private readonly Span<byte> _datagram;
    private readonly DatagramType _type;
    private int _bodyLength;
    private int _count;

    /// <summary>Starts a datagram of <paramref name="type"/> from <paramref name="senderKey"/> (X25519 public) with a fresh nonce.</summary>
    public DatagramWriter(Span<byte> destination, DatagramType type, ReadOnlySpan<byte> senderKey, long sentAtMs)
        : this(destination, type, senderKey, default, sentAtMs)
    {
    }

    /// <summary>Starts a datagram with an explicit nonce (test vectors); empty <paramref name="nonce"/> takes the next from <see cref="NonceSource"/>.</summary>
    public DatagramWriter(Span<byte> destination, DatagramType type, ReadOnlySpan<byte> senderKey, ReadOnlySpan<byte> nonce, long sentAtMs)
    {
        if (destination.Length < NotificationLimits.MaxDatagramSize)
        {
            throw new ArgumentException($"A datagram buffer needs {NotificationLimits.MaxDatagramSize} bytes.", nameof(destination));
        }

        if (type is not (DatagramType.Notification or DatagramType.Retraction))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown datagram type.");
        }

        Sodium.CheckLength(senderKey.Length, X25519.PublicKeySize, nameof(senderKey));
        _datagram = destination[..NotificationLimits.MaxDatagramSize];
        _type = type;
        _datagram[0] = NotificationLimits.Version;
        _datagram[1] = (byte)type;
        senderKey.CopyTo(_datagram[2..]);
        var nonceSlot = _datagram.Slice(34, XChaCha20Poly1305.NonceSize);
        if (nonce.IsEmpty)
        {
            NonceSource.Next(nonceSlot);
        }
        else
        {
            Sodium.CheckLength(nonce.Length, XChaCha20Poly1305.NonceSize, nameof(nonce));
            nonce.CopyTo(nonceSlot);
        }

        BinaryPrimitives.WriteInt64BigEndian(Body, sentAtMs);
        _bodyLength = NotificationLimits.BodyHeaderSize;
        _count = 0;
    }

    /// <summary>Records written so far.</summary>
    public readonly int Count => _count;

    /// <summary>Bytes still free for records (each also takes a 2-byte length prefix).</summary>
    public readonly int Remaining => NotificationLimits.MaxBodySize - _bodyLength;

    private readonly Span<byte> Body => _datagram[NotificationLimits.HeaderSize..];

    /// <summary>Appends a notification record; false when it does not fit (seal this datagram and start another).</summary>
    public bool TryAdd(in NotificationRecord record)
    {
        if (_type != DatagramType.Notification)
        {
            throw new InvalidOperationException("Notification records go in a notification datagram.");
        }

        if (!record.IsValid)
        {
            throw new ArgumentException("The notification record breaks the limits of docs/PROTOCOL.md §4.2.", nameof(record));
        }

        var length = record.EncodedLength;
        if (!Reserve(length))
        {
            return false;
        }

        record.Write(Body.Slice(_bodyLength - length, length));
        return true;
    }

    /// <summary>Appends a retraction record; false when it does not fit.</summary>
    public bool TryAdd(in RetractionRecord record)
    {
        if (_type != DatagramType.Retraction)
        {
            throw new InvalidOperationException("Retraction records go in a retraction datagram.");
        }

        if (!record.IsValid)
        {
            throw new ArgumentException("The retraction record breaks the limits of docs/PROTOCOL.md §4.2.", nameof(record));
        }

        var length = record.EncodedLength;
        if (!Reserve(length))
        {
            return false;
        }

        record.Write(Body.Slice(_bodyLength - length, length));
        return true;
    }

    /// <summary>Encrypts the body in place with the direction key (<see cref="NotificationKey"/>) and returns the datagram length.</summary>
    public readonly int Seal(ReadOnlySpan<byte> key)
    {
        var length = Finish(out var header, out var plaintext, out var sealedBody);
        XChaCha20Poly1305.Seal(key, header[34..], plaintext, header, sealedBody);
        return length;
    }

    /// <summary>
    /// <see cref="Seal(ReadOnlySpan{byte})"/> with a key that keeps its HChaCha20 subkey across datagrams of one nonce
    /// prefix: the sender's path, one key per peer.
    /// </summary>
    public readonly int Seal(XChaCha20Poly1305Key key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var length = Finish(out var header, out var plaintext, out var sealedBody);
        key.Seal(header[34..], plaintext, header, sealedBody);
        return length;
    }

    /// <summary>Writes the record count and returns the datagram's length once sealed, with the spans the AEAD works on.</summary>
    private readonly int Finish(out Span<byte> header, out Span<byte> plaintext, out Span<byte> sealedBody)
    {
        if (_count == 0)
        {
            throw new InvalidOperationException("A datagram carries at least one record.");
        }

        Body[8] = (byte)_count;
        header = _datagram[..NotificationLimits.HeaderSize];
        plaintext = Body[.._bodyLength];
        sealedBody = Body[..(_bodyLength + NotificationLimits.TagSize)];
        return NotificationLimits.HeaderSize + sealedBody.Length;
    }

    private bool Reserve(int recordLength)
    {
        if (_count == NotificationLimits.MaxRecords || 2 + recordLength > Remaining)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(Body[_bodyLength..], (ushort)recordLength);
        _bodyLength += 2 + recordLength;
        _count++;
        return true;
    }
}
