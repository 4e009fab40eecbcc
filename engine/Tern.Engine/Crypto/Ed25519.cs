namespace Tern.Engine.Crypto;

/// <summary>Ed25519 signatures (RFC 8032) over libsodium: domain identity, descriptors, receipts.</summary>
public static unsafe class Ed25519
{
    /// <summary>Seed (private key as RFC 8032 defines it) length.</summary>
    public const int SeedSize = 32;
    /// <summary>Public key length.</summary>
    public const int PublicKeySize = 32;
    /// <summary>libsodium's expanded secret key length (seed followed by public key).</summary>
    public const int SecretKeySize = 64;
    /// <summary>Signature length.</summary>
    public const int SignatureSize = 64;

    /// <summary>Derives the key pair of a 32-byte seed.</summary>
    public static void KeyPairFromSeed(ReadOnlySpan<byte> seed, Span<byte> publicKey, Span<byte> secretKey)
    {
        Sodium.CheckLength(seed.Length, SeedSize, nameof(seed));
        Sodium.CheckLength(publicKey.Length, PublicKeySize, nameof(publicKey));
        Sodium.CheckLength(secretKey.Length, SecretKeySize, nameof(secretKey));
        Sodium.EnsureInitialized();
        fixed (byte* s = seed)
        fixed (byte* pk = publicKey)
        fixed (byte* sk = secretKey)
        {
            Sodium.Check(SodiumNative.crypto_sign_seed_keypair(pk, sk, s), "crypto_sign_seed_keypair");
        }
    }

    /// <summary>Signs <paramref name="message"/> with a 64-byte secret key into <paramref name="signature"/>.</summary>
    public static void Sign(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Sodium.CheckLength(secretKey.Length, SecretKeySize, nameof(secretKey));
        Sodium.CheckLength(signature.Length, SignatureSize, nameof(signature));
        Sodium.EnsureInitialized();
        fixed (byte* sk = secretKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
        {
            ulong length;
            Sodium.Check(SodiumNative.crypto_sign_detached(sig, &length, m, (ulong)message.Length, sk), "crypto_sign_detached");
        }
    }

    /// <summary>True when <paramref name="signature"/> is a valid signature of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        Sodium.EnsureInitialized();
        fixed (byte* pk = publicKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
        {
            return SodiumNative.crypto_sign_verify_detached(sig, m, (ulong)message.Length, pk) == 0;
        }
    }
}
