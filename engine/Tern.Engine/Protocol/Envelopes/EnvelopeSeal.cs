using System.Security.Cryptography;
using Key = NSec.Cryptography.Key;
using KeyBlobFormat = NSec.Cryptography.KeyBlobFormat;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol.Envelopes;

/// <summary>
/// Seals a signed envelope to one recipient's X25519 user key with a fresh ephemeral key (docs/PROTOCOL.md §15.2), so
/// that only the recipient's client reads it: not the domains, gateways or caches that hold the blob.
/// </summary>
public static class EnvelopeSeal
{
    /// <summary>What sealing adds: the ephemeral public key and the tag.</summary>
    public const int Overhead = X25519.PublicKeySize + XChaCha20Poly1305.TagSize;

    /// <summary>Largest sealed envelope.</summary>
    public const int MaxSize = SignedEnvelope.MaxSize + Overhead;

    /// <summary>The context label of the seal key (§15.2).</summary>
    public static ReadOnlySpan<byte> KeyContext => "tern/v1/envelope-seal"u8;

    /// <summary>
    /// Seals <paramref name="envelope"/> to <paramref name="recipientAgreementKey"/> into <paramref name="destination"/>
    /// (<c>envelope.Length + Overhead</c> bytes) with a fresh ephemeral key; returns the length written.
    /// </summary>
    public static int Seal(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> recipientAgreementKey, Span<byte> destination)
    {
        Span<byte> ephemeral = stackalloc byte[X25519.SecretKeySize];
        RandomNumberGenerator.Fill(ephemeral);
        try
        {
            return Seal(envelope, recipientAgreementKey, ephemeral, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeral);
        }
    }

    /// <summary><see cref="Seal(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/> with a given ephemeral secret (test vectors only: never reuse one).</summary>
    public static int Seal(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> recipientAgreementKey, ReadOnlySpan<byte> ephemeralSecret, Span<byte> destination)
    {
        if (envelope.Length > SignedEnvelope.MaxSize)
        {
            throw new ArgumentException($"An envelope is at most {SignedEnvelope.MaxSize} bytes.", nameof(envelope));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, envelope.Length + Overhead, nameof(destination));
        var ephemeralPublic = destination[..X25519.PublicKeySize];
        X25519.PublicKeyFromSecret(ephemeralSecret, ephemeralPublic);
        Span<byte> key = stackalloc byte[XChaCha20Poly1305.KeySize];
        try
        {
            if (!TryDeriveKey(ephemeralSecret, recipientAgreementKey, ephemeralPublic, recipientAgreementKey, key))
            {
                throw new ArgumentException("The recipient's agreement key is not a usable X25519 public key.", nameof(recipientAgreementKey));
            }

            // The key is used once (a fresh ephemeral key each time), so a fixed nonce is safe.
            Span<byte> nonce = stackalloc byte[XChaCha20Poly1305.NonceSize];
            nonce.Clear();
            XChaCha20Poly1305.Seal(key, nonce, envelope, default, destination.Slice(X25519.PublicKeySize, envelope.Length + XChaCha20Poly1305.TagSize));
            return envelope.Length + Overhead;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// Opens a sealed envelope with the recipient's X25519 key into <paramref name="envelope"/>; false when it was not
    /// sealed to this key or was altered. Never throws on hostile bytes.
    /// </summary>
    public static bool TryOpen(Key recipientAgreementKey, ReadOnlySpan<byte> sealedEnvelope, Span<byte> envelope, out int written)
    {
        ArgumentNullException.ThrowIfNull(recipientAgreementKey);
        Span<byte> secret = stackalloc byte[X25519.SecretKeySize];
        try
        {
            if (!recipientAgreementKey.TryExport(KeyBlobFormat.RawPrivateKey, secret, out var length) || length != X25519.SecretKeySize)
            {
                throw new ArgumentException("The agreement key is not an exportable X25519 key.", nameof(recipientAgreementKey));
            }

            return TryOpen(secret, sealedEnvelope, envelope, out written);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary><see cref="TryOpen(Key, ReadOnlySpan{byte}, Span{byte}, out int)"/> with the secret as bytes (vectors, fuzzing).</summary>
    public static bool TryOpen(ReadOnlySpan<byte> recipientSecret, ReadOnlySpan<byte> sealedEnvelope, Span<byte> envelope, out int written)
    {
        written = 0;
        var plaintextLength = sealedEnvelope.Length - Overhead;
        if (plaintextLength < 0 || sealedEnvelope.Length > MaxSize || envelope.Length < plaintextLength)
        {
            return false;
        }

        Span<byte> recipientPublic = stackalloc byte[X25519.PublicKeySize];
        X25519.PublicKeyFromSecret(recipientSecret, recipientPublic);
        Span<byte> key = stackalloc byte[XChaCha20Poly1305.KeySize];
        try
        {
            var ephemeralPublic = sealedEnvelope[..X25519.PublicKeySize];
            if (!TryDeriveKey(recipientSecret, ephemeralPublic, ephemeralPublic, recipientPublic, key))
            {
                return false;
            }

            Span<byte> nonce = stackalloc byte[XChaCha20Poly1305.NonceSize];
            nonce.Clear();
            if (!XChaCha20Poly1305.TryOpen(key, nonce, sealedEnvelope[X25519.PublicKeySize..], default, envelope[..plaintextLength]))
            {
                return false;
            }

            written = plaintextLength;
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary><c>k = H(key = X25519(secret, peer), msg = "tern/v1/envelope-seal" || ephemeral_public || recipient_public)</c>.</summary>
    private static bool TryDeriveKey(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> peer, ReadOnlySpan<byte> ephemeralPublic, ReadOnlySpan<byte> recipientPublic, Span<byte> key)
    {
        Span<byte> shared = stackalloc byte[X25519.SharedSecretSize];
        try
        {
            if (!X25519.TryAgree(secret, peer, shared))
            {
                return false;
            }

            Span<byte> message = stackalloc byte[21 + 64];
            KeyContext.CopyTo(message);
            ephemeralPublic.CopyTo(message[21..]);
            recipientPublic.CopyTo(message[53..]);
            Blake2b.Hash(message, key, shared);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }
}
