using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Pull;

namespace Tern.Discovery.Tests;

/// <summary>
/// The pull worker, given a notification under a key its cached descriptor lacks, asks its resolver to look again before
/// refusing (docs/PROTOCOL.md §4.7): a sender that changed its key is pulled from without waiting out the cache.
/// </summary>
public sealed class PullRevalidationTests : IDisposable
{
    private readonly TempDirectory _directory = new("pull");
    private readonly PendingTable _pending;
    private readonly MessageStore _messages;

    public PullRevalidationTests()
    {
        _pending = new PendingTable(PendingTableOptions.Small(_directory.File("pending")));
        _messages = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
    }

    [Fact]
    public async Task A_key_the_revalidated_descriptor_has_goes_on_to_fetch_and_one_it_lacks_is_refused()
    {
        var cached = Bytes32.Random();
        var rotated = Bytes32.Random();
        var resolver = new RotatingResolver(Descriptor(cached), Descriptor(rotated));
        await using var worker = new PullWorker(_pending, _messages, resolver, new NoSources(), new PullWorkerOptions());

        var (hash, reference) = File(rotated);
        var pulled = await worker.PullAsync(hash, reference);
        // Past the key check: no source could serve it here, so it fails at fetching, not at the key.
        Assert.Equal(PullOutcome.Failed, pulled.Outcome);
        Assert.Equal(1, resolver.Revalidations);

        var (otherHash, forged) = File(Bytes32.Random());
        Assert.Equal(PullOutcome.KeyMismatch, (await worker.PullAsync(otherHash, forged)).Outcome);
        Assert.Equal(2, resolver.Revalidations);
    }

    [Fact]
    public async Task A_resolver_that_cannot_look_again_refuses_the_mismatch_at_once()
    {
        await using var worker = new PullWorker(_pending, _messages, new StaticDescriptorResolver(Descriptor(Bytes32.Random())), new NoSources(), new PullWorkerOptions());
        var (hash, reference) = File(Bytes32.Random());
        Assert.Equal(PullOutcome.KeyMismatch, (await worker.PullAsync(hash, reference)).Outcome);
    }

    private (RecipientHash, PendingReference) File(Bytes32 senderKey)
    {
        var hash = RecipientHash.NewRandom();
        var capability = FetchCapability.NewRandom();
        Assert.True(FetchHintList.TryCreate(FetchHintList.Encode([]), out var hints));
        var record = new NotificationRecord(capability, hash, DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds(), 10, Bytes32.Random(), 1, NotificationFlags.None, "a.example"u8, "message/tern"u8, hints);
        Span<byte> key = stackalloc byte[32];
        senderKey.CopyTo(key);
        _pending.TryInsert(record, key, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return (hash, Assert.Single(_pending.Poll(hash, 0, 10).References));
    }

    private static DomainDescriptor Descriptor(Bytes32 agreementKey) => new()
    {
        Domain = "a.example",
        SigningKey = Bytes32.Random(),
        AgreementKey = agreementKey,
        Protocols = ["tern/1"],
        Notify = ["udp://127.0.0.1:7400"],
        Fetch = ["tern+tcp://127.0.0.1:7401"],
        MaxTransitSeconds = 2_592_000,
        IssuedAt = DateTimeOffset.UtcNow.AddDays(-1),
        ExpiresAt = DateTimeOffset.UtcNow.AddDays(30),
    };

    // IDisposable, not IAsyncDisposable: xunit 2 never calls a test class's DisposeAsync, which left the table open and
    // its directory behind after every run.
    public void Dispose()
    {
        _pending.Dispose();
        _directory.Dispose();
    }

    /// <summary>Answers the cached descriptor, and the rotated one when asked to look again.</summary>
    private sealed class RotatingResolver(DomainDescriptor cached, DomainDescriptor rotated) : IDescriptorResolver, IDescriptorRevalidation
    {
        public int Revalidations { get; private set; }

        public ValueTask<DomainDescriptor?> ResolveAsync(string domain, CancellationToken cancellationToken) => ValueTask.FromResult<DomainDescriptor?>(cached);

        public ValueTask<DomainDescriptor?> RevalidateAsync(string domain, CancellationToken cancellationToken)
        {
            Revalidations++;
            return ValueTask.FromResult<DomainDescriptor?>(rotated);
        }
    }

    private sealed class NoSources : IFetchSourceFactory
    {
        public IFetchSource? Create(string uri) => null;
    }
}
