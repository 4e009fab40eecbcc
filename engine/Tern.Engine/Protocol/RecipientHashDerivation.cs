using System.Security.Cryptography;
using System.Text;
using Tern.Engine.Crypto;
using Key = NSec.Cryptography.Key;
using KeyBlobFormat = NSec.Cryptography.KeyBlobFormat;

namespace Tern.Engine.Protocol;

/// <summary>
/// Client-side derivations of the recipient hash (docs/PROTOCOL.md §5). Servers never compute these;
/// the engine ships them for clients, tools and test vectors.
/// </summary>
public static class RecipientHashDerivation
{
    private static ReadOnlySpan<byte> Context => "tern/v1/recipient-address"u8;

    /// <summary>
    /// The first edition's first-contact form (0x01), from the two users' Ed25519 public keys: anyone who knows both
    /// keys can compute it, so §5 replaced it with <see cref="TryPairwise(Key, ReadOnlySpan{byte}, ReadOnlySpan{byte}, string, out RecipientHash)"/>.
    /// Kept for the demo's made-up users until it moves.
    /// </summary>
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

    /// <summary>
    /// Phase 1, pairwise (§5, form 0x03): from the X25519 agreement of the two users' published agreement keys (§14.2),
    /// so only the two users can compute it. <paramref name="ownAgreementKey"/> is the secret of either side; the hash
    /// is the same from both, and differs by direction (sender and recipient are not interchangeable). False when the
    /// peer's key is a low-order point. Throws when the own key is neither of the two public keys.
    /// </summary>
    public static bool TryPairwise(Key ownAgreementKey, ReadOnlySpan<byte> senderAgreementPublic, ReadOnlySpan<byte> recipientAgreementPublic, string recipientDomain, out RecipientHash hash)
    {
        ArgumentNullException.ThrowIfNull(ownAgreementKey);
        Span<byte> secret = stackalloc byte[X25519.SecretKeySize];
        try
        {
            if (!ownAgreementKey.TryExport(KeyBlobFormat.RawPrivateKey, secret, out var written) || written != X25519.SecretKeySize)
            {
                throw new ArgumentException("The agreement key is not an exportable X25519 key.", nameof(ownAgreementKey));
            }

            return TryPairwise(secret, senderAgreementPublic, recipientAgreementPublic, recipientDomain, out hash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary><see cref="TryPairwise(Key, ReadOnlySpan{byte}, ReadOnlySpan{byte}, string, out RecipientHash)"/> with the secret as bytes (vectors, tools).</summary>
    public static bool TryPairwise(ReadOnlySpan<byte> ownAgreementSecret, ReadOnlySpan<byte> senderAgreementPublic, ReadOnlySpan<byte> recipientAgreementPublic, string recipientDomain, out RecipientHash hash)
    {
        Sodium.CheckLength(senderAgreementPublic.Length, X25519.PublicKeySize, nameof(senderAgreementPublic));
        Sodium.CheckLength(recipientAgreementPublic.Length, X25519.PublicKeySize, nameof(recipientAgreementPublic));
        hash = default;
        Span<byte> own = stackalloc byte[X25519.PublicKeySize];
        X25519.PublicKeyFromSecret(ownAgreementSecret, own);
        var peer = own.SequenceEqual(senderAgreementPublic) ? recipientAgreementPublic
            : own.SequenceEqual(recipientAgreementPublic) ? senderAgreementPublic
            : throw new ArgumentException("The own agreement key is neither the sender's nor the recipient's.", nameof(ownAgreementSecret));
        var domain = Encoding.ASCII.GetBytes(DomainName.Normalize(recipientDomain));
        Span<byte> message = stackalloc byte[1 + (3 * 32) + 1 + domain.Length];
        try
        {
            if (!X25519.TryAgree(ownAgreementSecret, peer, message.Slice(1, X25519.SharedSecretSize)))
            {
                return false;
            }

            message[0] = 0x03;
            senderAgreementPublic.CopyTo(message[33..]);
            recipientAgreementPublic.CopyTo(message[65..]);
            message[97] = (byte)domain.Length;
            domain.CopyTo(message[98..]);
            hash = Derive(message);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(message);
        }
    }

    /// <summary>
    /// Introduction (§5, form 0x04): from the recipient's published agreement key alone, for a sender the recipient's
    /// client cannot be expected to know yet. Its domain can compute it too: it says no more than that someone wrote.
    /// </summary>
    public static RecipientHash Introduction(ReadOnlySpan<byte> recipientAgreementPublic, string recipientDomain)
    {
        Sodium.CheckLength(recipientAgreementPublic.Length, X25519.PublicKeySize, nameof(recipientAgreementPublic));
        var domain = Encoding.ASCII.GetBytes(DomainName.Normalize(recipientDomain));
        Span<byte> message = stackalloc byte[1 + 32 + 1 + domain.Length];
        message[0] = 0x04;
        recipientAgreementPublic.CopyTo(message[1..]);
        message[33] = (byte)domain.Length;
        domain.CopyTo(message[34..]);
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
