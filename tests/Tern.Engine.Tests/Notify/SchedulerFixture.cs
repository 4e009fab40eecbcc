using System.Net;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Tests.Transit;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Notify;

/// <summary>
/// A sender a.example with a real transit store in a temp directory and a hand-moved clock, two receiving domains
/// (b.example, c.example) known to a static resolver, and a capturing transport. Tests drive scheduler rounds by hand.
/// </summary>
public sealed class SchedulerFixture : IAsyncDisposable
{
    public static readonly IPEndPoint BEndpoint = new(IPAddress.Loopback, 7401);
    public static readonly IPEndPoint CEndpoint = new(IPAddress.Loopback, 7402);

    private readonly TempDirectory _directory = new("scheduler");

    private SchedulerFixture()
    {
        Transport.AddReceiver(BEndpoint, B);
        Transport.AddReceiver(CEndpoint, C);
        Resolver.Set(new NotificationPeer("b.example", new Bytes32(B.AgreementPublicKey), BEndpoint));
        Resolver.Set(new NotificationPeer("c.example", new Bytes32(C.AgreementPublicKey), CEndpoint));
    }

    public ManualClock Clock { get; } = new(TransitTestStores.Start);

    public DomainKeySet A { get; } = DomainKeySet.Generate("a.example");

    public DomainKeySet B { get; } = DomainKeySet.Generate("b.example");

    public DomainKeySet C { get; } = DomainKeySet.Generate("c.example");

    public StaticPeerResolver Resolver { get; } = new();

    public CapturingTransport Transport { get; } = new();

    public TransitStore Store { get; private set; } = null!;

    public long NowMs => Clock.NowMs;

    public static async Task<SchedulerFixture> CreateAsync()
    {
        var fixture = new SchedulerFixture();
        await fixture.OpenStoreAsync();
        return fixture;
    }

    public async Task OpenStoreAsync() => Store = await TransitStore.OpenAsync(TransitTestStores.Options(_directory.Path), Clock);

    public async Task ReopenStoreAsync()
    {
        await Store.DisposeAsync();
        await OpenStoreAsync();
    }

    public NotificationScheduler Scheduler(Action<NotificationSchedulerOptions>? configure = null, IDatagramTransport? transport = null)
    {
        var options = new NotificationSchedulerOptions { FetchHints = ["https://node.a.example:7443"] };
        configure?.Invoke(options);
        return new NotificationScheduler(Store, A, Resolver, transport ?? Transport, options, Clock);
    }

    public async Task<SubmissionResult> SubmitAsync(TimeSpan? expiresIn = null, params string[] domains)
    {
        var request = TransitTestStores.Request(Clock.GetUtcNow() + (expiresIn ?? TimeSpan.FromDays(1)), "alice", domains.Length == 0 ? ["b.example"] : domains);
        return await Store.SubmitAsync(request, new MemoryStream(TransitTestStores.Bytes(100, domains.Length)));
    }

    public void Advance(TimeSpan by) => Clock.Advance(by);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        A.Dispose();
        B.Dispose();
        C.Dispose();
        _directory.Dispose();
    }
}
