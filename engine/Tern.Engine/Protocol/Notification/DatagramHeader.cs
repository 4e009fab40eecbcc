namespace Tern.Engine.Protocol.Notification;

/// <summary>
/// The cleartext header of a datagram (docs/PROTOCOL.md §4.1), as spans into it. Reading it costs no
/// cryptography, so a receiver can rate-limit and look up the sender key before any work.
/// </summary>
public readonly ref struct DatagramHeader
{
    private readonly ReadOnlySpan<byte> _datagram;

    private DatagramHeader(ReadOnlySpan<byte> datagram) => _datagram = datagram;

    /// <summary>The datagram type.</summary>
    public DatagramType Type => (DatagramType)_datagram[1];

    /// <summary>The sender's X25519 public key.</summary>
    public ReadOnlySpan<byte> SenderKey => _datagram.Slice(2, 32);

    /// <summary>The AEAD nonce.</summary>
    public ReadOnlySpan<byte> Nonce => _datagram.Slice(34, 24);

    /// <summary>The associated data: the whole header.</summary>
    public ReadOnlySpan<byte> AssociatedData => _datagram[..NotificationLimits.HeaderSize];

    /// <summary>The sealed body with its tag.</summary>
    public ReadOnlySpan<byte> SealedBody => _datagram[NotificationLimits.HeaderSize..];

    /// <summary>Length of the plaintext body once opened.</summary>
    public int BodyLength => _datagram.Length - NotificationLimits.HeaderSize - NotificationLimits.TagSize;

    /// <summary>Checks size, version and type; returns <see cref="DropReason.None"/> and the header when they pass.</summary>
    public static DropReason TryRead(ReadOnlySpan<byte> datagram, out DatagramHeader header)
    {
        header = default;
        if (datagram.Length < NotificationLimits.MinDatagramSize)
        {
            return DropReason.TooShort;
        }

        if (datagram.Length > NotificationLimits.MaxDatagramSize)
        {
            return DropReason.TooLong;
        }

        if (datagram[0] != NotificationLimits.Version)
        {
            return DropReason.UnknownVersion;
        }

        if (datagram[1] is not ((byte)DatagramType.Notification or (byte)DatagramType.Retraction))
        {
            return DropReason.UnknownType;
        }

        header = new DatagramHeader(datagram);
        return DropReason.None;
    }
}
