using System.Buffers.Text;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Submissions;

/// <summary>
/// Delivery ids: 128 bits of SHA-256 over a label and the delivery's fetch capability, base64url. The client names a
/// delivery with it without ever holding the capability, which is the right to fetch the blob (docs/PROTOCOL.md §7).
/// </summary>
internal static class DeliveryIds
{
    public static string Of(FetchCapability capability)
    {
        Span<byte> input = stackalloc byte[17 + 32];
        "tern/c2s/delivery"u8.CopyTo(input);
        capability.Value.CopyTo(input[17..]);
        Span<byte> hash = stackalloc byte[32];
        // libsodium's SHA-256 (NSec), not OpenSSL's: one per message answered, and a call into OpenSSL costs several times
        // the hash of these 49 bytes (perf-reports/ab-c2s-batch2.md).
        NSec.Cryptography.HashAlgorithm.Sha256.Hash(input, hash);
        return Base64Url.EncodeToString(hash[..16]);
    }
}
