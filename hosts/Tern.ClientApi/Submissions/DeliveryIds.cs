using System.Buffers.Text;
using System.Security.Cryptography;
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
        SHA256.HashData(input, hash);
        return Base64Url.EncodeToString(hash[..16]);
    }
}
