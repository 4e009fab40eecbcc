namespace Tern.Engine.Crypto;

/// <summary>X25519 key agreement (RFC 7748) over libsodium: notifications are sealed to the peer domain's key.</summary>
public static unsafe class X25519
{
    /// <summary>Secret scalar length.</summary>
    public const int SecretKeySize = 32;
    /// <summary>Public key (u-coordinate) length.</summary>
    public const int PublicKeySize = 32;
    /// <summary>Shared secret length.</summary>
    public const int SharedSecretSize = 32;

    /// <summary>Computes the public key of a secret scalar.</summary>
    public static void PublicKeyFromSecret(ReadOnlySpan<byte> secretKey, Span<byte> publicKey)
    {
        Sodium.CheckLength(secretKey.Length, SecretKeySize, nameof(secretKey));
        Sodium.CheckLength(publicKey.Length, PublicKeySize, nameof(publicKey));
        Sodium.EnsureInitialized();
        fixed (byte* n = secretKey)
        fixed (byte* q = publicKey)
        {
            Sodium.Check(SodiumNative.crypto_scalarmult_base(q, n), "crypto_scalarmult_base");
        }
    }

    /// <summary>
    /// Computes X25519(secret, peerPublic). Returns false when the peer key is a low-order point
    /// (libsodium refuses an all-zero result): such a key is hostile input, not an error.
    /// </summary>
    public static bool TryAgree(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        Sodium.CheckLength(secretKey.Length, SecretKeySize, nameof(secretKey));
        Sodium.CheckLength(sharedSecret.Length, SharedSecretSize, nameof(sharedSecret));
        if (peerPublicKey.Length != PublicKeySize)
        {
            return false;
        }

        Sodium.EnsureInitialized();
        fixed (byte* n = secretKey)
        fixed (byte* p = peerPublicKey)
        fixed (byte* q = sharedSecret)
        {
            return SodiumNative.crypto_scalarmult(q, n, p) == 0;
        }
    }
}
