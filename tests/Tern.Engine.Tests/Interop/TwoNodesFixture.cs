namespace Tern.Engine.Tests.Interop;

/// <summary>
/// Two node processes on loopback: a.example sends (backoff shortened to 100 ms doubling up to 400 ms, so retransmission
/// shows within a second), b.example receives. Each test routes a.example's notifications for its own alias of
/// b.example (b's key) directly or through a relay of its own, so tests do not see each other's traffic.
/// </summary>
public sealed class TwoNodesFixture : IAsyncLifetime
{
    public NodeProcess A { get; private set; } = null!;

    public NodeProcess B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var a = NodeProcess.StartAsync("a.example", "--initial-ms", "100", "--max-ms", "400", "--tick-ms", "10");
        var b = NodeProcess.StartAsync("b.example");
        A = await a;
        B = await b;
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
