using Tern.Engine.Crypto;
using Tern.Engine.Protocol.Notification;

namespace Tern.Fuzz.Targets;

/// <summary>
/// The receiver's datagram path (docs/PROTOCOL.md §4.1–4.4): cleartext header, key derivation, AEAD open, body and
/// record layout. The input is the header followed by the <em>plaintext</em> body: the target seals it to b.example's
/// key for the header's sender key before handing the datagram to the parser, so mutations reach the body parser
/// instead of dying at the tag. A sender key of a.example uses the key derived once; any other costs one X25519.
/// </summary>
internal sealed class DatagramTarget : IFuzzTarget
{
    private readonly byte[] _datagram = new byte[NotificationLimits.MaxDatagramSize + NotificationLimits.TagSize];
    private readonly byte[] _plaintext = new byte[NotificationLimits.MaxDatagramSize];
    private readonly byte[] _keyOfA = new byte[NotificationKey.Size];
    private readonly byte[] _key = new byte[NotificationKey.Size];

    public DatagramTarget()
    {
        if (!NotificationKey.TryDeriveReceiving(FixedKeys.B, FixedKeys.A.AgreementPublicKey, _keyOfA))
        {
            throw new InvalidOperationException("The fixed keys do not agree.");
        }
    }

    public string Name => "datagram";

    public string Covers => "notification and retraction datagrams: DatagramHeader.TryRead, key derivation, DatagramBody.TryOpen (sealed by the target), record enumeration";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length < NotificationLimits.HeaderSize || input.Length + NotificationLimits.TagSize > _datagram.Length)
        {
            // Too short to carry a header, or longer than any datagram: the header check alone decides.
            DatagramHeader.TryRead(input, out _);
            return;
        }

        var header = input[..NotificationLimits.HeaderSize];
        var senderKey = header.Slice(2, 32);
        var key = _keyOfA.AsSpan();
        if (!senderKey.SequenceEqual(FixedKeys.A.AgreementPublicKey))
        {
            if (!NotificationKey.TryDeriveReceiving(FixedKeys.B, senderKey, _key))
            {
                return;
            }

            key = _key;
        }

        var datagram = _datagram.AsSpan(0, input.Length + NotificationLimits.TagSize);
        header.CopyTo(datagram);
        var body = input[NotificationLimits.HeaderSize..];
        XChaCha20Poly1305.Seal(key, header.Slice(34, 24), body, header, datagram[NotificationLimits.HeaderSize..]);

        if (DatagramHeader.TryRead(datagram, out var read) != DropReason.None)
        {
            return;
        }

        if (DatagramBody.TryOpen(read, key, _plaintext, out var opened) != DropReason.None)
        {
            return;
        }

        Records.Walk(opened);
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        foreach (var file in new[] { "notification-datagram.json", "retraction-datagram.json" })
        {
            var root = vectors.File(file);
            yield return new Seed(Path.GetFileNameWithoutExtension(file), [.. VectorSeeds.Hex(root, "header"), .. VectorSeeds.Hex(root, "plaintext_body")]);
        }

        // The borderline fields and ambiguous pairs of §4.4; a case refused by its header alone comes as its datagram.
        foreach (var verdict in vectors.File("datagram-verdicts.json").GetProperty("cases").EnumerateArray())
        {
            var name = "verdict-" + VectorSeeds.Text(verdict, "name");
            yield return verdict.TryGetProperty("plaintext_body", out _)
                ? new Seed(name, [.. VectorSeeds.Hex(verdict, "header"), .. VectorSeeds.Hex(verdict, "plaintext_body")])
                : new Seed(name, VectorSeeds.Hex(verdict, "datagram"));
        }
    }
}
