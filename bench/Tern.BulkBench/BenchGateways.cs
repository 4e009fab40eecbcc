using System.Net;
using Tern.Engine.Bulk;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;
using Tern.Engine.Transit;
using Tern.LinkEmulator;
using Tern.Transports.Udp;

namespace Tern.BulkBench;

/// <summary>Two gateways in this process, ga.example sending to gb.example through a <see cref="UdpLink"/> of the given profile.</summary>
internal sealed class BenchGateways : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tern-bulk-bench-").FullName;
    private readonly DomainKeySet _senderKeys = DomainKeySet.Generate("ga.example");
    private readonly DomainKeySet _receiverKeys = DomainKeySet.Generate("gb.example");
    private readonly BulkUdpSocket _senderSocket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly BulkUdpSocket _receiverSocket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private TransitStore _senderStore = null!;
    private TransitStore _receiverStore = null!;
    private BulkReceiver _receiver = null!;

    private BenchGateways(LinkProfile profile) => Link = new UdpLink(_receiverSocket.LocalEndPoint, profile);

    public UdpLink Link { get; }

    public BulkSender Sender { get; private set; } = null!;

    public TransitStore SenderStore => _senderStore;

    /// <summary>When (Stopwatch timestamp) the receiver last held a whole block.</summary>
    public long BlockCompletedAt { get; private set; }

    public static async Task<BenchGateways> StartAsync(LinkProfile profile)
    {
        var gateways = new BenchGateways(profile);
        var descriptors = new StaticDescriptorResolver(Describe(gateways._senderKeys), Describe(gateways._receiverKeys));
        gateways._senderStore = await TransitStore.OpenAsync(StoreOptions(Path.Combine(gateways._directory, "a")));
        gateways._receiverStore = await TransitStore.OpenAsync(StoreOptions(Path.Combine(gateways._directory, "b")));
        gateways.Sender = new BulkSender(gateways._senderStore, () => gateways._senderKeys, descriptors, gateways._senderSocket, new BulkSenderOptions { StagingDirectory = gateways._directory });
        var receiverOptions = new BulkReceiverOptions();
        receiverOptions.Senders.Add("ga.example");
        gateways._receiver = new BulkReceiver(gateways._receiverStore, () => gateways._receiverKeys, descriptors, gateways._receiverSocket, receiverOptions, Path.Combine(gateways._directory, "b"));
        gateways._receiver.BlockCompleted = _ => gateways.BlockCompletedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        gateways._senderSocket.Start(gateways.Sender.Receive);
        gateways._receiverSocket.Start(gateways._receiver.Receive);
        return gateways;
    }

    /// <summary>Submits blobs of random bytes at ga.example for b.example.</summary>
    public async Task<List<BulkBlob>> SubmitAsync(int count, int size, int seed)
    {
        var blobs = new List<BulkBlob>();
        var bytes = new byte[size];
        for (var i = 0; i < count; i++)
        {
            new Random(seed + i).NextBytes(bytes);
            var result = await _senderStore.SubmitAsync(
                new SubmissionRequest
                {
                    Account = "a.example",
                    Recipients = [new TransitRecipient("b.example", RecipientHash.NewRandom())],
                    TransitExpiry = DateTimeOffset.UtcNow.AddHours(1),
                },
                new MemoryStream(bytes));
            blobs.Add(new BulkBlob(result.MessageId, "b.example"));
        }

        return blobs;
    }

    public BulkContact Contact(long rate, TimeSpan lightTime) => new("gb.example", Link.EndPoint, rate, lightTime);

    public async ValueTask DisposeAsync()
    {
        await Sender.DisposeAsync();
        await Link.DisposeAsync();
        _senderSocket.Dispose();
        _receiverSocket.Dispose();
        await _receiver.DisposeAsync();
        await _senderStore.DisposeAsync();
        await _receiverStore.DisposeAsync();
        _senderKeys.Dispose();
        _receiverKeys.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    internal static TransitStoreOptions StoreOptions(string directory) => new()
    {
        DataDirectory = directory,
        CheckpointInterval = Timeout.InfiniteTimeSpan,
    };

    private static DomainDescriptor Describe(DomainKeySet keys) =>
        DomainDescriptor.For(keys, ["udp://127.0.0.1:7400"], ["http://127.0.0.1:1"], TimeSpan.FromDays(1));
}
