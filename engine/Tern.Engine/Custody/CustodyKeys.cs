using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Custody;

/// <summary>Which signing keys a verified descriptor names for a domain at a given instant (docs/PROTOCOL.md §16.3).</summary>
internal static class CustodyKeys
{
    /// <summary>The descriptor's signing key and, inside a rotation's window, the other key of the rotation.</summary>
    public static Bytes32[] SigningKeys(DomainDescriptor descriptor, DateTimeOffset now)
    {
        var keys = new List<Bytes32>(2) { descriptor.SigningKey };
        var inWindow = descriptor.PreviousUntil is not { } until || now.ToUnixTimeSeconds() < until.ToUnixTimeSeconds();
        if (descriptor.NextSigningKey is { } next)
        {
            keys.Add(next);
        }

        if (descriptor.PreviousSigningKey is { } previous && inWindow)
        {
            keys.Add(previous);
        }

        return [.. keys];
    }

    /// <summary>
    /// The id under which a gateway holds the blob of <paramref name="messageId"/> for <paramref name="recipientDomain"/>:
    /// one blob of the sender may be offered for several recipient domains, each a blob of its own at the gateway, so the
    /// gateway's id is H(key = "tern/v1/custody-id", message_id || recipient_domain). Local to the gateway; never on the wire.
    /// </summary>
    public static MessageId LocalId(MessageId messageId, string recipientDomain)
    {
        Span<byte> input = stackalloc byte[Bytes32.Size + DomainName.MaxLength];
        messageId.Value.CopyTo(input);
        var length = Bytes32.Size + System.Text.Encoding.ASCII.GetBytes(recipientDomain, input[Bytes32.Size..]);
        Span<byte> hash = stackalloc byte[Bytes32.Size];
        Crypto.Blake2b.Hash(input[..length], hash, "tern/v1/custody-id"u8);
        return new MessageId(hash);
    }
}
