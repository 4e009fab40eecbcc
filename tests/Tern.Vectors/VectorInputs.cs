using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Protocol.Payload;

namespace Tern.Vectors;

/// <summary>
/// The fixed secrets and inputs every vector is built from. Byte strings are ascending runs (<see cref="Run"/>)
/// rather than repeated bytes, so a reversed or shifted field shows in the output. Changing anything here
/// changes the committed vectors: regenerate them with <c>make vectors</c>, deliberately.
/// </summary>
internal static class VectorInputs
{
    public const string DomainA = "a.example";
    public const string DomainB = "b.example";
    public const string GatewayDomain = "gw.example";

    /// <summary>The domain that submitted the blob a.example relays as a gateway in the via_gateway record.</summary>
    public const string RelayedDomain = "c.example";

    /// <summary>2026-09-21T13:33:20Z: <c>sent_at</c> of both datagrams, in ms.</summary>
    public const long SentAtMs = 1_790_000_000_000;

    /// <summary>Seven days after <see cref="SentAtMs"/>.</summary>
    public const long TransitExpiryMs = SentAtMs + 7 * 86_400_000L;

    /// <summary>When the key sets were created (not on the wire).</summary>
    public static readonly DateTimeOffset KeysCreatedAt = DateTimeOffset.FromUnixTimeSeconds(1_789_000_000);

    public static byte[] SigningSeedA => Run(0x01);
    public static byte[] AgreementSecretA => Run(0x21);
    public static byte[] SigningSeedB => Run(0x41);
    public static byte[] AgreementSecretB => Run(0x61);
    public static byte[] GatewaySigningSeed => Run(0x81);
    public static byte[] GatewayAgreementSecret => Run(0xa1);

    /// <summary>The keys a.example rotates to (§16): Ed25519 seed and X25519 secret.</summary>
    public static byte[] NextSigningSeedA => Run(0x88);
    public static byte[] NextAgreementSecretA => Run(0xa8);

    /// <summary>Ed25519 seeds of the two users whose first-contact recipient hash is derived (§5).</summary>
    public static byte[] SenderUserSeed => Run(0xc1);
    public static byte[] RecipientUserSeed => Run(0xd1);

    /// <summary>X25519 secrets of the same two users (§14.2): phase 1 of the hash cascade and the sealed envelope use them.</summary>
    public static byte[] SenderUserAgreementSecret => Run(0x18);
    public static byte[] RecipientUserAgreementSecret => Run(0x28);

    /// <summary>The keys alice@a.example rotates to (§14.3).</summary>
    public static byte[] RotatedUserSeed => Run(0x38);
    public static byte[] RotatedUserAgreementSecret => Run(0x48);

    /// <summary>The ephemeral X25519 secret the vector's envelope is sealed with (§15.2); never reused in real use.</summary>
    public static byte[] EnvelopeEphemeralSecret => Run(0x58);

    /// <summary>The content key of the envelope vector's payload (§15.5): random in real use, one per message.</summary>
    public static byte[] EnvelopeContentKey => Run(0x68);

    public const string SenderAddress = "alice@a.example";
    public const string RecipientAddress = "bob@b.example";

    /// <summary>The 16–64-byte string two clients agreed on for the negotiated recipient hash (§5).</summary>
    public static byte[] NegotiatedSharedRandom => Run(0x10, 24);

    public static byte[] NotificationNonce => Run(0x30, 24);
    public static byte[] RetractionNonce => Run(0x50, 24);

    /// <summary>The blob the fetch frames serve and the first record and the receipt describe. Opaque bytes (ciphertext in real use).</summary>
    public static byte[] Blob => "tern/1 test vector blob: opaque ciphertext bytes\n"u8.ToArray();

    /// <summary>Its payload hash (§4.8): one chunk, so the root over its single leaf and its size.</summary>
    public static Bytes32 BlobHash => PayloadTree.Hash(Blob);

    public static FetchCapability Capability1 => new(Run(0x70));
    public static FetchCapability Capability2 => new(Run(0x90));
    public static FetchCapability Capability3 => new(Run(0xb0));

    /// <summary>A published single-use token (§5, third form): 32 bytes the recipient chose.</summary>
    public static RecipientHash PublishedToken => new(Run(0xe0));

    public static MessageId ReceiptMessageId => new(Run(0x08));

    /// <summary>The notification records, in datagram order: full (fetch hints, MIME hint), minimal, via_gateway.</summary>
    public static IReadOnlyList<NotificationInput> NotificationRecords =>
    [
        new(Capability1, RecipientHashVectors.FirstContactHash, TransitExpiryMs, Blob.Length, BlobHash, 1, NotificationFlags.None,
            DomainA, "message/rfc822", ["https://node.a.example:7443", "tern+tcp://node.a.example:7401"]),
        new(Capability2, RecipientHashVectors.NegotiatedHash, TransitExpiryMs + 3_600_000, 70_000, new Bytes32(Run(0x40)), 3, NotificationFlags.None,
            DomainA, "", []),
        new(Capability3, PublishedToken, SentAtMs + 14 * 86_400_000L, 1_048_576, new Bytes32(Run(0x60)), 1, NotificationFlags.ViaGateway,
            RelayedDomain, "application/octet-stream", ["quic://node.a.example:7401"]),
    ];

    /// <summary>The retraction records: one before the fetch, one after (§11).</summary>
    public static IReadOnlyList<RetractionInput> RetractionRecords =>
    [
        new(Capability2, RecipientHashVectors.NegotiatedHash, RetractionFlags.None, DomainA),
        new(Capability1, RecipientHashVectors.FirstContactHash, RetractionFlags.AfterFetch, DomainA),
    ];

    /// <summary><paramref name="length"/> bytes counting up from <paramref name="first"/>, wrapping at 0xff.</summary>
    public static byte[] Run(byte first, int length = 32)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = unchecked((byte)(first + i));
        }

        return bytes;
    }
}
