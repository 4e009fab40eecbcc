using Tern.ClientApi.Events;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;

namespace Tern.MessageCrashHarness;

/// <summary>What the message-store crash harness commits, derived from a seed so the test can check it, and how both open the store.</summary>
internal static class MessageCrashWorkload
{
    /// <summary>Blobs above this ride outside their commit record (flushed first); the workload has both kinds.</summary>
    public const int InlineMaxBytes = 2048;

    /// <summary>The one user whose events the harness appends.</summary>
    public const string User = "bob";

    public static byte[] Content(int seed)
    {
        var bytes = new byte[seed % 5 == 0 ? 40_000 + (seed % 97) : 100 + (seed % 1900)];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Every seventh message is deleted once stored.</summary>
    public static bool Deletes(int seed) => seed % 7 == 0;

    public static RecipientHash Hash(int seed)
    {
        var bytes = new byte[32];
        bytes[0] = (byte)(seed % 3);
        bytes[31] = 0x5A;
        return new RecipientHash(bytes);
    }

    public static FetchCapability Capability(int seed)
    {
        var bytes = new byte[32];
        BitConverter.TryWriteBytes(bytes, seed);
        bytes[31] = 0xC4;
        return new FetchCapability(bytes);
    }

    /// <summary>The seed a capability of <see cref="Capability"/> was made from.</summary>
    public static int Seed(FetchCapability capability)
    {
        Span<byte> bytes = stackalloc byte[32];
        capability.CopyTo(bytes);
        return BitConverter.ToInt32(bytes);
    }

    public static MessageStoreOptions Options(string directory) => new()
    {
        DataDirectory = directory,
        InlineMaxBytes = InlineMaxBytes,
        // Many checkpoints in a run, so kills land inside them too.
        CheckpointBytes = 32 * 1024,
        CheckpointInterval = TimeSpan.FromMilliseconds(150),
        ZeroAheadBytes = 64 * 1024,
    };

    /// <summary>
    /// Opens the store and the event log as the client API's stage does: the pulled events a crash lost put back from the
    /// commit records, the hooks set.
    /// </summary>
    public static (MessageStore Store, EventLog Events) Open(string directory)
    {
        var store = new MessageStore(Options(directory));
        var events = new EventLog(Path.Combine(directory, "clientapi"));
        events.RestoreRecorded(store.RecoveredCommits.Select(c => c.Annotation));
        store.ReleaseRecovered();
        store.Committed = (message, durable) => events.AppendRecorded(User, UserEvents.MessageStored(message, []), durable);
        store.BeforeCheckpoint = events.FlushedAsync;
        return (store, events);
    }
}
