using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Pending;

/// <summary>A temp directory with small-store options, a manual clock, deterministic records and cleanup.</summary>
public sealed class PendingFixture : IDisposable
{
    public const long StartMs = 1_800_000_000_000;
    public const long ExpiryMs = StartMs + 86_400_000;

    private static readonly byte[] Hints = FetchHintList.Encode(["https://tern.example.org/v1/blobs", "tern+tcp://tern.example.org:7443"]);

    private readonly TempDirectory _directory = new("pending");

    /// <summary>A fixture whose clock stands at <paramref name="startMs"/> (<see cref="StartMs"/> unless given).</summary>
    public PendingFixture(long startMs = StartMs) => Clock = new ManualClock(startMs);

    public string Directory => _directory.Path;

    public ManualClock Clock { get; }

    public static byte[] SenderKey { get; } = Enumerable.Range(0, 32).Select(i => (byte)(200 - i)).ToArray();

    /// <summary>Options with small indexes and logs; tests override what they exercise.</summary>
    public PendingTableOptions Options(Action<PendingTableOptions>? configure = null)
    {
        var options = PendingTableOptions.Small(Path.Combine(Directory, "pending"));
        options.TimeProvider = Clock;
        configure?.Invoke(options);
        return options;
    }

    public PendingTable Open(Action<PendingTableOptions>? configure = null) => new(Options(configure));

    /// <summary>A deterministic 32-byte value from a label and an index.</summary>
    public static Bytes32 Value(byte label, long index)
    {
        Span<byte> bytes = stackalloc byte[32];
        bytes.Fill(label);
        BinaryPrimitives.WriteInt64BigEndian(bytes, index);
        BinaryPrimitives.WriteInt64BigEndian(bytes[16..], index * 7919);
        return new Bytes32(bytes);
    }

    public static FetchCapability Capability(long index) => new(Value(0xCA, index));

    public static RecipientHash Hash(long index) => new(Value(0x4A, index));

    public static PendingInsertResult Insert(PendingTable table, FetchCapability capability, RecipientHash hash, string domain = "sender.example", long expiryMs = ExpiryMs, long receivedAtMs = StartMs, string mime = "text/plain", string[]? fetchHints = null, NotificationFlags flags = NotificationFlags.None, byte[]? senderKey = null, ushort attempt = 3)
    {
        var domainBytes = Encoding.ASCII.GetBytes(domain);
        var mimeBytes = Encoding.ASCII.GetBytes(mime);
        Assert.True(FetchHintList.TryCreate(fetchHints is null ? Hints : FetchHintList.Encode(fetchHints), out var hints));
        var record = new NotificationRecord(capability, hash, expiryMs, 1234, PayloadHashOf(capability), attempt, flags, domainBytes, mimeBytes, hints);
        Assert.True(record.IsValid);
        return table.TryInsert(record, senderKey ?? SenderKey, receivedAtMs);
    }

    public static Bytes32 PayloadHashOf(FetchCapability capability)
    {
        Span<byte> bytes = stackalloc byte[32];
        capability.CopyTo(bytes);
        bytes.Reverse();
        return new Bytes32(bytes);
    }

    /// <summary>Every reference of a hash, polling page by page from cursor 0.</summary>
    public static List<PendingReference> PollAll(PendingTable table, RecipientHash hash, int limit = 100)
    {
        var all = new List<PendingReference>();
        ulong cursor = 0;
        while (true)
        {
            var page = table.Poll(hash, cursor, limit);
            all.AddRange(page.References);
            Assert.True(page.NextCursor >= cursor);
            cursor = page.NextCursor;
            if (!page.HasMore)
            {
                return all;
            }
        }
    }

    public void Dispose() => _directory.Dispose();
}
