using NSec.Cryptography;

namespace Tern.Engine.Protocol;

/// <summary>
/// A domain's keys as the protocol's codecs use them: the name they speak for, the Ed25519 identity that signs
/// descriptors and receipts (docs/PROTOCOL.md §6.2, §10) and the X25519 key notification keys are agreed with (§4.3).
/// The codecs own this contract so that they do not depend on where keys are kept: <c>Keys.DomainKeySet</c>
/// (the key files) implements it.
/// </summary>
public interface IDomainKeys
{
    /// <summary>The domain these keys speak for, lower-case.</summary>
    string Domain { get; }

    /// <summary>Ed25519 public key.</summary>
    ReadOnlySpan<byte> SigningPublicKey { get; }

    /// <summary>X25519 public key.</summary>
    ReadOnlySpan<byte> AgreementPublicKey { get; }

    /// <summary>The X25519 secret, for the agreements of <see cref="Notification.NotificationKey"/>.</summary>
    internal Key AgreementKey { get; }

    /// <summary>Signs <paramref name="message"/> with the domain's identity key.</summary>
    void Sign(ReadOnlySpan<byte> message, Span<byte> signature);
}
