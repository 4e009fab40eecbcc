using System.Text;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol;

/// <summary>
/// Client-side derivations of the recipient hash (docs/PROTOCOL.md §5). Servers never compute these;
/// the engine ships them for clients, tools and test vectors.
/// </summary>
public static class RecipientHashDerivation
{
    private static ReadOnlySpan<byte> Context => "tern/v1/recipient-address"u8;

    /// <summary>First contact: from the sender's and the recipient's public user keys and the recipient's domain.</summary>
    public static RecipientHash FirstContact(ReadOnlySpan<byte> senderUserPublicKey, ReadOnlySpan<byte> recipientUserPublicKey, string recipientDomain)
    {
        Sodium.CheckLength(senderUserPublicKey.Length, Ed25519.PublicKeySize, nameof(senderUserPublicKey));
        Sodium.CheckLength(recipientUserPublicKey.Length, Ed25519.PublicKeySize, nameof(recipientUserPublicKey));
        var domain = Encoding.ASCII.GetBytes(DomainName.Normalize(recipientDomain));
        Span<byte> message = stackalloc byte[1 + 32 + 32 + 1 + domain.Length];
        message[0] = 0x01;
        senderUserPublicKey.CopyTo(message[1..]);
        recipientUserPublicKey.CopyTo(message[33..]);
        message[65] = (byte)domain.Length;
        domain.CopyTo(message[66..]);
        return Derive(message);
    }

    /// <summary>Negotiated: from a 16–64-byte random string the two clients agreed in their first exchange.</summary>
    public static RecipientHash Negotiated(ReadOnlySpan<byte> sharedRandom, string recipientDomain)
    {
        if (sharedRandom.Length is < 16 or > 64)
        {
            throw new ArgumentException($"The shared random string is 16–64 bytes, not {sharedRandom.Length}.", nameof(sharedRandom));
        }

        var domain = Encoding.ASCII.GetBytes(DomainName.Normalize(recipientDomain));
        Span<byte> message = stackalloc byte[1 + 1 + sharedRandom.Length + 1 + domain.Length];
        message[0] = 0x02;
        message[1] = (byte)sharedRandom.Length;
        sharedRandom.CopyTo(message[2..]);
        message[2 + sharedRandom.Length] = (byte)domain.Length;
        domain.CopyTo(message[(3 + sharedRandom.Length)..]);
        return Derive(message);
    }

    private static RecipientHash Derive(ReadOnlySpan<byte> message)
    {
        Span<byte> hash = stackalloc byte[Blake2b.HashSize];
        Blake2b.Hash(message, hash, Context);
        return new RecipientHash(hash);
    }
}
