using Tern.Engine.Protocol.Notification;

namespace Tern.Fuzz.Targets;

/// <summary>
/// The plaintext record parser alone (docs/PROTOCOL.md §4.1–4.2), without the AEAD: the first input byte is the datagram
/// type (2 for retraction, anything else notification), the rest the opened body.
/// </summary>
internal sealed class DatagramBodyTarget : IFuzzTarget
{
    public string Name => "datagram-body";

    public string Covers => "opened datagram bodies: DatagramBody.TryParse, NotificationRecord/RetractionRecord.TryRead, FetchHintList, the enumerators";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var type = input[0] == (byte)DatagramType.Retraction ? DatagramType.Retraction : DatagramType.Notification;
        if (DatagramBody.TryParse(type, input[1..], out var body) == DropReason.None)
        {
            Records.Walk(body);
        }
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        yield return new Seed("notification-body", [(byte)DatagramType.Notification, .. VectorSeeds.Hex(vectors.File("notification-datagram.json"), "plaintext_body")]);
        yield return new Seed("retraction-body", [(byte)DatagramType.Retraction, .. VectorSeeds.Hex(vectors.File("retraction-datagram.json"), "plaintext_body")]);
        foreach (var verdict in vectors.File("datagram-verdicts.json").GetProperty("cases").EnumerateArray())
        {
            if (!verdict.TryGetProperty("plaintext_body", out _))
            {
                continue;
            }

            // The header's type byte (offset 1) says which parser the body is for.
            yield return new Seed("verdict-" + VectorSeeds.Text(verdict, "name"), [VectorSeeds.Hex(verdict, "header")[1], .. VectorSeeds.Hex(verdict, "plaintext_body")]);
        }
    }
}
