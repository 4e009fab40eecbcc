using System.Buffers.Text;

namespace Tern.Engine.Crypto;

/// <summary>
/// The fingerprint of a domain's identity: BLAKE2b-256 keyed with <c>"tern/v1/fingerprint"</c> over the
/// Ed25519 signing public key (docs/PROTOCOL.md §6.3). Published in DNS TXT; shown as base64url.
/// </summary>
public static class KeyFingerprint
{
    /// <summary>Fingerprint length in bytes.</summary>
    public const int Size = 32;

    private static ReadOnlySpan<byte> Context => "tern/v1/fingerprint"u8;

    /// <summary>Computes the fingerprint of an Ed25519 signing public key.</summary>
    public static void Compute(ReadOnlySpan<byte> signingPublicKey, Span<byte> fingerprint)
    {
        Sodium.CheckLength(signingPublicKey.Length, Ed25519.PublicKeySize, nameof(signingPublicKey));
        Blake2b.Hash(signingPublicKey, fingerprint[..Size], Context);
    }

    /// <summary>The fingerprint as unpadded base64url text (43 characters).</summary>
    public static string ToText(ReadOnlySpan<byte> signingPublicKey)
    {
        Span<byte> fingerprint = stackalloc byte[Size];
        Compute(signingPublicKey, fingerprint);
        return Base64Url.EncodeToString(fingerprint);
    }
}
