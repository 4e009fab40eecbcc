namespace Tern.Fetch.Tests;

/// <summary>The framed door closes connections that stay silent past their deadlines, so idle sockets cannot pile up.</summary>
public sealed class FramedDeadlineTests
{
    [Fact]
    public async Task A_connection_without_a_preface_and_an_idle_one_are_closed_at_their_deadlines()
    {
        await using var f = await FetchFixture.StartAsync(o =>
        {
            o.KeepAliveTimeout = TimeSpan.FromSeconds(1);
            o.RequestHeadersTimeout = TimeSpan.FromSeconds(1);
        });
        using var silent = await RawFramedConnection.ConnectAsync(f.Framed);
        using var idle = await RawFramedConnection.ConnectAsync(f.Framed);
        await idle.SendAsync(RawFramedConnection.Preface());

        var started = DateTime.UtcNow;
        var silentAnswer = silent.ReadToCloseAsync();
        var idleAnswer = idle.ReadToCloseAsync();
        var finished = await Task.WhenAll(silentAnswer, idleAnswer).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(finished[0]);
        Assert.Equal(RawFramedConnection.Preface(), finished[1]);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(8));
    }
}
