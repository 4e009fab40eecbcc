using Tern.CrashHarness;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Transit;

/// <summary>Store options and helpers shared by the transit tests: small chunks, pages and segments.</summary>
public static class TransitTestStores
{
    public const int ChunkSize = 4096;

    public static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TransitStoreOptions Options(string directory)
    {
        var options = TransitStoreOptions.Small(directory);
        options.ChunkSize = ChunkSize;
        options.CheckpointInterval = Timeout.InfiniteTimeSpan;
        return options;
    }

    public static SubmissionRequest Request(DateTimeOffset expiry, string account = "alice", params string[] domains) => new()
    {
        Account = account,
        Recipients = Recipients(domains.Length == 0 ? ["example.org"] : domains),
        TransitExpiry = expiry,
        MimeHint = "message/tern",
    };

    public static TransitRecipient[] Recipients(params string[] domains)
    {
        var recipients = new TransitRecipient[domains.Length];
        for (var i = 0; i < domains.Length; i++)
        {
            recipients[i] = new TransitRecipient(domains[i], RecipientHash.NewRandom());
        }

        return recipients;
    }

    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static Stream Stream(byte[] content, bool seekable) => seekable ? new MemoryStream(content, writable: false) : new NonSeekableStream(content);

    /// <summary>The payload hash (docs/PROTOCOL.md §4.8), from the spec's own reading rather than the engine's.</summary>
    public static Bytes32 Hash(byte[] content) => new(Protocol.SpecPayloadTree.PayloadHash(content));

    /// <summary>Reads a whole blob through <see cref="TransitStore.ReadAsync"/> in pieces of <paramref name="piece"/> bytes.</summary>
    public static async Task<byte[]?> ReadAllAsync(TransitStore store, FetchCapability capability, long size, int piece = 3000)
    {
        var result = new byte[size];
        long offset = 0;
        while (offset < size)
        {
            var n = await store.ReadAsync(capability, offset, result.AsMemory((int)offset, (int)Math.Min(piece, size - offset)));
            if (n == TransitStore.NotFound)
            {
                return null;
            }

            Assert.True(n > 0, $"read returned {n} at {offset} of {size}");
            offset += n;
        }

        return result;
    }
}
