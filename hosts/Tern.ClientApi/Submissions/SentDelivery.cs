using System.Buffers.Text;
using System.Security.Cryptography;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Submissions;

/// <summary>One recipient of a submitted message: its fetch capability in the transit store and the id the client sees.</summary>
internal sealed class SentDelivery
{
    public SentDelivery(FetchCapability capability, string domain, RecipientHash hash)
    {
        Capability = capability;
        Domain = domain;
        Hash = hash;
        Id = IdOf(capability);
    }

    public FetchCapability Capability { get; }

    public string Domain { get; }

    public RecipientHash Hash { get; }

    /// <summary>
    /// The delivery id: 128 bits of SHA-256 over a label and the capability. The client names a delivery with it without
    /// ever holding the capability, which is the right to fetch the blob (docs/PROTOCOL.md §7).
    /// </summary>
    public string Id { get; }

    private static string IdOf(FetchCapability capability)
    {
        Span<byte> input = stackalloc byte[17 + 32];
        "tern/c2s/delivery"u8.CopyTo(input);
        capability.Value.CopyTo(input[17..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return Base64Url.EncodeToString(hash[..16]);
    }
}
