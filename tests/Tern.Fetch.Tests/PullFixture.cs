using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Pull;
using Tern.Transports.Fetch.Client;

namespace Tern.Fetch.Tests;

/// <summary>
/// Both sides of a pull on one machine: the sender's fetch server (<see cref="FetchFixture"/>) and the recipient's
/// pending table, message store and pull worker, with a static descriptor for a.example.
/// </summary>
public sealed class PullFixture : IAsyncDisposable
{
    private PullFixture(FetchFixture sender, PendingTable pending, MessageStore messages, FetchSourceFactory sources, HttpClient http, Bytes32 senderKey, string directory)
    {
        Sender = sender;
        Pending = pending;
        Messages = messages;
        Sources = sources;
        Http = http;
        SenderKey = senderKey;
        Directory = directory;
    }

    public const string SenderDomain = "a.example";

    public FetchFixture Sender { get; }

    public PendingTable Pending { get; }

    public MessageStore Messages { get; }

    public FetchSourceFactory Sources { get; }

    public HttpClient Http { get; }

    public Bytes32 SenderKey { get; }

    public string Directory { get; }

    public static async Task<PullFixture> StartAsync()
    {
        var sender = await FetchFixture.StartAsync();
        var directory = Path.Combine(sender.Directory, "recipient");
        var pending = new PendingTable(PendingTableOptions.Small(Path.Combine(directory, "pending")));
        var messages = new MessageStore(new MessageStoreOptions { DataDirectory = directory });
        var http = sender.HttpClient();
        var sources = new FetchSourceFactory(http, allowPlainTextOnLoopback: true);
        return new PullFixture(sender, pending, messages, sources, http, Bytes32.Random(), directory);
    }

    public static DomainDescriptor Descriptor(Bytes32 agreementKey, params string[] fetch) => new()
    {
        Domain = SenderDomain,
        SigningKey = Bytes32.Random(),
        AgreementKey = agreementKey,
        Protocols = ["tern/1"],
        Notify = ["udp://127.0.0.1:7400"],
        Fetch = fetch,
        MaxTransitSeconds = 2_592_000,
        IssuedAt = DateTimeOffset.UtcNow.AddDays(-1),
        ExpiresAt = DateTimeOffset.UtcNow.AddDays(30),
    };

    public PullWorker Worker(DomainDescriptor? descriptor = null, PullWorkerOptions? options = null, PullJournal? journal = null)
        => new(Pending, Messages, new StaticDescriptorResolver(descriptor ?? Descriptor(SenderKey)), Sources, options ?? new PullWorkerOptions { RetryDelay = TimeSpan.FromMilliseconds(10) }, journal: journal);

    /// <summary>Submits a blob at the sender and files its notification at the recipient, as the ingest would.</summary>
    public async Task<(RecipientHash Hash, PendingReference Reference, byte[] Content)> NotifyAsync(
        int size, int seed, string[] hints, Bytes32? payloadHash = null, Bytes32? senderKey = null, NotificationFlags flags = NotificationFlags.None)
    {
        var content = FetchFixture.Bytes(size, seed);
        var hash = RecipientHash.NewRandom();
        var (cap, result) = await Sender.SubmitAsync(content, hash: hash);
        return (hash, File(hash, cap, size, payloadHash ?? result.PayloadHash, result.TransitExpiry, hints, senderKey ?? SenderKey, flags), content);
    }

    public PendingReference File(RecipientHash hash, FetchCapability cap, long size, Bytes32 payloadHash, DateTimeOffset expiry, string[] hints, Bytes32 senderKey, NotificationFlags flags = NotificationFlags.None)
    {
        Assert.True(FetchHintList.TryCreate(FetchHintList.Encode(hints), out var hintList));
        var record = new NotificationRecord(cap, hash, expiry.ToUnixTimeMilliseconds(), size, payloadHash, 1, flags, "a.example"u8, "message/tern"u8, hintList);
        Span<byte> key = stackalloc byte[32];
        senderKey.CopyTo(key);
        Pending.TryInsert(record, key, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return Assert.Single(Pending.Poll(hash, 0, 10).References, r => r.Capability == cap);
    }

    public string FramedHint(System.Net.IPEndPoint? endPoint = null) => $"tern+tcp://127.0.0.1:{(endPoint ?? Sender.Framed).Port}";

    public string HttpHint(System.Net.IPEndPoint? endPoint = null) => $"http://127.0.0.1:{endPoint?.Port ?? Sender.Http.Port}";

    public byte[] Stored(RecipientHash hash, FetchCapability cap)
    {
        using var file = Messages.OpenRead(hash, cap);
        var bytes = new MemoryStream();
        file.CopyTo(bytes);
        return bytes.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await Sources.DisposeAsync();
        Http.Dispose();
        await Pending.DisposeAsync();
        await Sender.DisposeAsync();
    }
}
