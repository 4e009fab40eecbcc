using Tern.Engine.Pending;
using Tern.Engine.Protocol.Notification;

namespace Tern.Fuzz.Targets;

/// <summary>
/// A stored pending reference (the pending table's value, <see cref="ReferenceCodec"/>): read back on every poll, so a
/// damaged value must decode to null, never throw. What decodes must fit the codec's maximum.
/// </summary>
internal sealed class PendingReferenceTarget : IFuzzTarget
{
    public string Name => "pending-reference";

    public string Covers => "pending table values: ReferenceCodec.Read, ReadSenderKey, ReadExpiry";

    public void Run(ReadOnlySpan<byte> input)
    {
        var reference = ReferenceCodec.Read(input, 7);
        if (reference is null)
        {
            return;
        }

        ReferenceCodec.ReadSenderKey(input);
        ReferenceCodec.ReadExpiry(input);
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        var datagram = vectors.File("notification-datagram.json");
        var senderKey = VectorSeeds.Hex(datagram, "sender_key");
        var index = 0;
        foreach (var record in datagram.GetProperty("records").EnumerateArray())
        {
            var bytes = VectorSeeds.Hex(record, "record");
            if (!NotificationRecord.TryRead(bytes, out var parsed))
            {
                throw new InvalidDataException("a vector record does not parse");
            }

            var stored = new byte[ReferenceCodec.MaxSize];
            var length = ReferenceCodec.Write(parsed, senderKey, 1_790_000_000_500, stored);
            yield return new Seed("reference-" + index++, stored[..length]);
        }
    }
}
