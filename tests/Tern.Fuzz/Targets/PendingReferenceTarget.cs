using Tern.Engine.Pending;
using Tern.Engine.Protocol.Notification;

namespace Tern.Fuzz.Targets;

/// <summary>
/// A stored pending reference (the pending table's value, <see cref="ReferenceCodec"/>): read back on every poll, so a
/// damaged value must decode to null, never throw. What decodes must fit the codec's maximum. The same bytes as a
/// format-1 value go through the migration (<see cref="LegacyReferenceCodec"/>), which must refuse or rewrite them.
/// </summary>
internal sealed class PendingReferenceTarget : IFuzzTarget
{
    public string Name => "pending-reference";

    // Profile 1 exists, so values naming it decode; the migration adds at most a few more.
    private readonly SenderProfiles _profiles = NewProfiles();
    private readonly byte[] _profileBuffer = new byte[SenderProfileCodec.MaxSize];
    private readonly byte[] _migrated = new byte[ReferenceCodec.MaxSize];

    public string Covers => "pending table values: ReferenceCodec.Read, ReadSenderKey, ReadExpiry; LegacyReferenceCodec.Migrate";

    public void Run(ReadOnlySpan<byte> input)
    {
        ReferenceCodec.ReadSenderKey(input, _profiles);
        ReferenceCodec.ReadExpiry(input);
        _ = ReferenceCodec.Read(input, 7, _profiles);
        if (input.Length <= ReferenceCodec.MaxSize)
        {
            var length = LegacyReferenceCodec.Migrate(input, _profiles, _profileBuffer, _migrated);
            if (length >= 0 && ReferenceCodec.Read(_migrated.AsSpan(0, length), 7, _profiles) is null)
            {
                throw new InvalidOperationException("a migrated reference does not read back");
            }
        }
    }

    private static SenderProfiles NewProfiles()
    {
        var profiles = new SenderProfiles(64);
        Span<byte> profile = stackalloc byte[35];
        profile.Clear();
        profiles.TryGetOrAdd(profile, out _);
        return profiles;
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        var datagram = vectors.File("notification-datagram.json");
        var senderKey = VectorSeeds.Hex(datagram, "sender_key");
        var index = 0;
        foreach (var record in datagram.GetProperty("records").EnumerateArray())
        {
            var (inline, named) = Encode(VectorSeeds.Hex(record, "record"), senderKey);
            yield return new Seed("reference-inline-" + index, inline);
            yield return new Seed("reference-" + index++, named);
        }
    }

    // A vector record stored with its profile inline, and naming profile 1.
    private static (byte[] Inline, byte[] Named) Encode(byte[] bytes, byte[] senderKey)
    {
        if (!NotificationRecord.TryRead(bytes, out var parsed))
        {
            throw new InvalidDataException("a vector record does not parse");
        }

        var profile = new byte[SenderProfileCodec.MaxSize];
        var profileLength = SenderProfileCodec.Write(parsed, senderKey, profile);
        var stored = new byte[ReferenceCodec.MaxSize];
        var inline = stored[..ReferenceCodec.Write(parsed, 1_790_000_000_500, 0, profile.AsSpan(0, profileLength), stored)];
        var named = stored[..ReferenceCodec.Write(parsed, 1_790_000_000_500, 1, default, stored)];
        return (inline, named);
    }
}
