using System.Security.Cryptography;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol.Notification;

/// <summary>
/// The per-direction symmetric key between two agreement keys (docs/PROTOCOL.md §4.3):
/// <c>H(key = X25519(own, peer), msg = "tern/v1/notify" || S_public || R_public)</c>.
/// Derived once per peer key and cached; each datagram then costs one AEAD.
/// </summary>
public static class NotificationKey
{
    /// <summary>Key length.</summary>
    public const int Size = XChaCha20Poly1305.KeySize;

    private static ReadOnlySpan<byte> Context => "tern/v1/notify"u8;

    /// <summary>Derives the key for datagrams <paramref name="keys"/> sends to <paramref name="peerPublicKey"/>.</summary>
    public static bool TryDeriveSending(IDomainKeys keys, ReadOnlySpan<byte> peerPublicKey, Span<byte> key)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return TryDerive(keys.AgreementKey, keys.AgreementPublicKey, peerPublicKey, sending: true, key);
    }

    /// <summary>Derives the key for datagrams <paramref name="keys"/> receives from <paramref name="peerPublicKey"/>; false for a low-order key.</summary>
    public static bool TryDeriveReceiving(IDomainKeys keys, ReadOnlySpan<byte> peerPublicKey, Span<byte> key)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return TryDerive(keys.AgreementKey, keys.AgreementPublicKey, peerPublicKey, sending: false, key);
    }

    internal static bool TryDerive(NSec.Cryptography.Key ownSecret, ReadOnlySpan<byte> ownPublic, ReadOnlySpan<byte> peerPublic, bool sending, Span<byte> key)
    {
        Sodium.CheckLength(key.Length, Size, nameof(key));
        Span<byte> shared = stackalloc byte[X25519.SharedSecretSize];
        try
        {
            if (!X25519.TryAgree(ownSecret, peerPublic, shared))
            {
                return false;
            }

            Span<byte> message = stackalloc byte[14 + 32 + 32];
            Context.CopyTo(message);
            (sending ? ownPublic : peerPublic).CopyTo(message[14..]);
            (sending ? peerPublic : ownPublic).CopyTo(message[46..]);
            Blake2b.Hash(message, key, shared);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }
}
