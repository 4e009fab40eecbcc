using NSec.Cryptography;

namespace Tern.Engine.Crypto;

/// <summary>Ed25519 signatures (RFC 8032) through NSec: domain identity, descriptors, receipts.</summary>
public static class Ed25519
{
    /// <summary>Seed (private key as RFC 8032 defines it, NSec's <see cref="KeyBlobFormat.RawPrivateKey"/>) length.</summary>
    public const int SeedSize = 32;
    /// <summary>Public key length.</summary>
    public const int PublicKeySize = 32;
    /// <summary>Signature length.</summary>
    public const int SignatureSize = 64;

    private static SignatureAlgorithm Algorithm => SignatureAlgorithm.Ed25519;

    /// <summary>
    /// The signing key of a 32-byte seed, held by NSec in guarded memory; <paramref name="exportable"/> allows writing it
    /// to a key file. The caller disposes it.
    /// </summary>
    public static Key ImportSeed(ReadOnlySpan<byte> seed, bool exportable = false)
    {
        Sodium.CheckLength(seed.Length, SeedSize, nameof(seed));
        return Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey, Parameters(exportable));
    }

    /// <summary>A fresh signing key from NSec's CSPRNG.</summary>
    public static Key Generate(bool exportable = false) => Key.Create(Algorithm, Parameters(exportable));

    /// <summary>Writes the public key of <paramref name="key"/>.</summary>
    public static void PublicKeyOf(Key key, Span<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(key);
        Sodium.CheckLength(publicKey.Length, PublicKeySize, nameof(publicKey));
        key.PublicKey.TryExport(KeyBlobFormat.RawPublicKey, publicKey, out _);
    }

    /// <summary>Derives the public key of a 32-byte seed.</summary>
    public static void PublicKeyFromSeed(ReadOnlySpan<byte> seed, Span<byte> publicKey)
    {
        using var key = ImportSeed(seed);
        PublicKeyOf(key, publicKey);
    }

    /// <summary>Signs <paramref name="message"/> with <paramref name="key"/> into <paramref name="signature"/>.</summary>
    public static void Sign(Key key, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        Sodium.CheckLength(signature.Length, SignatureSize, nameof(signature));
        Algorithm.Sign(key, message, signature);
    }

    /// <summary>True when <paramref name="signature"/> is a valid signature of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize
            || !PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key))
        {
            return false;
        }

        return Algorithm.Verify(key!, message, signature);
    }

    private static KeyCreationParameters Parameters(bool exportable)
        => new() { ExportPolicy = exportable ? KeyExportPolicies.AllowPlaintextExport : KeyExportPolicies.None };
}
