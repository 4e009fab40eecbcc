using System.Security.Cryptography;
using NSec.Cryptography;

namespace Tern.Engine.Crypto;

/// <summary>
/// X25519 key agreement (RFC 7748): keys generated, imported and exported through NSec, the agreement itself on spans
/// (<see cref="TryAgree(Key, ReadOnlySpan{byte}, Span{byte})"/>). Notifications are sealed to the peer domain's key.
/// </summary>
public static class X25519
{
    /// <summary>Secret scalar (NSec's <see cref="KeyBlobFormat.RawPrivateKey"/>) length.</summary>
    public const int SecretKeySize = 32;
    /// <summary>Public key (u-coordinate) length.</summary>
    public const int PublicKeySize = 32;
    /// <summary>Shared secret length.</summary>
    public const int SharedSecretSize = 32;

    private static KeyAgreementAlgorithm Algorithm => KeyAgreementAlgorithm.X25519;

    /// <summary>The agreement key of a secret scalar, held by NSec in guarded memory; the caller disposes it.</summary>
    public static Key ImportSecret(ReadOnlySpan<byte> secretKey, bool exportable = false)
    {
        Sodium.CheckLength(secretKey.Length, SecretKeySize, nameof(secretKey));
        return Key.Import(Algorithm, secretKey, KeyBlobFormat.RawPrivateKey, Parameters(exportable));
    }

    /// <summary>A fresh agreement key from NSec's CSPRNG.</summary>
    public static Key Generate(bool exportable = false) => Key.Create(Algorithm, Parameters(exportable));

    /// <summary>Writes the public key of <paramref name="key"/>.</summary>
    public static void PublicKeyOf(Key key, Span<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(key);
        Sodium.CheckLength(publicKey.Length, PublicKeySize, nameof(publicKey));
        key.PublicKey.TryExport(KeyBlobFormat.RawPublicKey, publicKey, out _);
    }

    /// <summary>Computes the public key of a secret scalar.</summary>
    public static void PublicKeyFromSecret(ReadOnlySpan<byte> secretKey, Span<byte> publicKey)
    {
        using var key = ImportSecret(secretKey);
        PublicKeyOf(key, publicKey);
    }

    /// <summary>
    /// Computes X25519(own, peerPublic) into <paramref name="sharedSecret"/>. Returns false when the peer key is not 32
    /// bytes or is a low-order point (libsodium refuses an all-zero result): such a key is hostile input, not an error.
    /// </summary>
    /// <remarks>
    /// libsodium's <c>crypto_scalarmult</c> on spans, not NSec's <c>Agree</c>: that returns the secret in memory of its own
    /// (a <c>sodium_malloc</c> per agreement), 8× the cost of the derivation a new sender key pays (<see cref="LibsodiumNative"/>).
    /// The secret scalar is copied out of NSec's key to the stack for the call and wiped after.
    /// </remarks>
    public static bool TryAgree(Key own, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        ArgumentNullException.ThrowIfNull(own);
        Sodium.CheckLength(sharedSecret.Length, SharedSecretSize, nameof(sharedSecret));
        if (peerPublicKey.Length != PublicKeySize)
        {
            return false;
        }

        Span<byte> scalar = stackalloc byte[SecretKeySize];
        try
        {
            if (!own.TryExport(KeyBlobFormat.RawPrivateKey, scalar, out var written) || written != SecretKeySize)
            {
                throw new ArgumentException("The agreement key is not an exportable X25519 key.", nameof(own));
            }

            return TryAgree(scalar, peerPublicKey, sharedSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    /// <summary><see cref="TryAgree(Key, ReadOnlySpan{byte}, Span{byte})"/> with the secret scalar as bytes (test vectors, tools).</summary>
    public static unsafe bool TryAgree(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        Sodium.CheckLength(secretKey.Length, SecretKeySize, nameof(secretKey));
        Sodium.CheckLength(sharedSecret.Length, SharedSecretSize, nameof(sharedSecret));
        if (peerPublicKey.Length != PublicKeySize)
        {
            return false;
        }

        fixed (byte* n = secretKey)
        fixed (byte* p = peerPublicKey)
        fixed (byte* q = sharedSecret)
        {
            return LibsodiumNative.crypto_scalarmult(q, n, p) == 0;
        }
    }

    private static KeyCreationParameters Parameters(bool exportable)
        => new() { ExportPolicy = exportable ? KeyExportPolicies.AllowPlaintextExport : KeyExportPolicies.None };
}
