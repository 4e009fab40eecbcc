using System.Net;
using Tern.Transports.Fetch;
using Door = Tern.Fetch.Tests.DoorProbe.Door;

namespace Tern.Fetch.Tests;

/// <summary>
/// The connection caps (<see cref="FetchServerOptions.MaxConnectionsPerSource"/>, <see cref="FetchServerOptions.MaxConnections"/>)
/// on real loopback sockets: one connection over a cap is closed at accept, before any answer or TLS handshake, and
/// counted; a closed connection frees its place. Sources are told apart by binding clients to other 127/8 addresses.
/// </summary>
public sealed class ConnectionCapTests
{
    [Theory]
    [InlineData(Door.Framed)]
    [InlineData(Door.FramedTls)]
    [InlineData(Door.TernHttp1)]
    [InlineData(Door.KestrelHttp1)]
    [InlineData(Door.H2c)]
    public async Task The_per_source_cap_refuses_one_more_from_that_source_and_admits_again_once_one_closes(Door door)
    {
        await using var f = await FetchFixture.StartAsync(o => o.MaxConnectionsPerSource = 2);
        var (first, firstAdmitted) = await DoorProbe.ConnectAsync(f, door, "127.0.0.1");
        var (second, secondAdmitted) = await DoorProbe.ConnectAsync(f, door, "127.0.0.1");
        var (third, thirdAdmitted) = await DoorProbe.ConnectAsync(f, door, "127.0.0.1");
        var (other, otherAdmitted) = await DoorProbe.ConnectAsync(f, door, "127.0.0.2");
        using (second)
        using (third)
        using (other)
        {
            Assert.True(firstAdmitted && secondAdmitted, "the first two from 127.0.0.1 are admitted");
            Assert.False(thirdAdmitted, "the third from 127.0.0.1 is refused");
            Assert.True(otherAdmitted, "another source is not held to 127.0.0.1's count");
            Assert.Equal((1, 0), (f.Server.Connections.RefusedPerSource, f.Server.Connections.RefusedTotal));

            first.Dispose();
            await WaitForOpenAsync(f, 2);
            var (again, againAdmitted) = await DoorProbe.ConnectAsync(f, door, "127.0.0.1");
            using (again)
            {
                Assert.True(againAdmitted, "a place freed by a closed connection is taken again");
            }
        }
    }

    [Fact]
    public async Task The_total_cap_counts_every_door_and_admits_again_once_one_closes()
    {
        await using var f = await FetchFixture.StartAsync(o => o.MaxConnections = 3);
        var (framed, framedAdmitted) = await DoorProbe.ConnectAsync(f, Door.Framed, "127.0.0.1");
        var (tern, ternAdmitted) = await DoorProbe.ConnectAsync(f, Door.TernHttp1, "127.0.0.2");
        var (h2c, h2cAdmitted) = await DoorProbe.ConnectAsync(f, Door.H2c, "127.0.0.3");
        var (kestrel, kestrelAdmitted) = await DoorProbe.ConnectAsync(f, Door.KestrelHttp1, "127.0.0.4");
        var (tls, tlsAdmitted) = await DoorProbe.ConnectAsync(f, Door.FramedTls, "127.0.0.5");
        using (tern)
        using (h2c)
        using (kestrel)
        using (tls)
        {
            Assert.True(framedAdmitted && ternAdmitted && h2cAdmitted, "three connections over three doors are admitted");
            Assert.False(kestrelAdmitted, "a fourth, from a new source on a fourth door, is refused");
            Assert.False(tlsAdmitted, "and so is a fifth, before its TLS handshake");
            Assert.Equal((0, 2), (f.Server.Connections.RefusedPerSource, f.Server.Connections.RefusedTotal));

            framed.Dispose();
            await WaitForOpenAsync(f, 2);
            var (again, againAdmitted) = await DoorProbe.ConnectAsync(f, Door.KestrelHttp1, "127.0.0.4");
            using (again)
            {
                Assert.True(againAdmitted, "a place freed on one door is taken on another");
            }
        }
    }

    [Fact]
    public void Sources_are_IPv4_addresses_and_IPv6_64s()
    {
        var counters = new FetchConnectionCounters();
        var limiter = new ConnectionLimiter(new FetchServerOptions { MaxConnectionsPerSource = 2 }, counters, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        IPEndPoint At(string address) => new(IPAddress.Parse(address), 443);

        // Two addresses of one /64 share its count; a neighbouring /64 does not.
        Assert.True(limiter.TryAcquire(At("2001:db8:1:2::10"), out var a));
        Assert.True(limiter.TryAcquire(At("2001:db8:1:2:ffff:ffff:ffff:ffff"), out _));
        Assert.False(limiter.TryAcquire(At("2001:db8:1:2::99"), out _));
        Assert.True(limiter.TryAcquire(At("2001:db8:1:3::10"), out _));

        // An IPv4 address counts the same whether it arrives as IPv4 or IPv4-mapped IPv6; its neighbour is another source.
        Assert.True(limiter.TryAcquire(At("192.0.2.7"), out _));
        Assert.True(limiter.TryAcquire(At("::ffff:192.0.2.7"), out _));
        Assert.False(limiter.TryAcquire(At("192.0.2.7"), out _));
        Assert.True(limiter.TryAcquire(At("192.0.2.8"), out _));

        // Releasing one frees that source's place.
        limiter.Release(a);
        Assert.True(limiter.TryAcquire(At("2001:db8:1:2::99"), out _));
        Assert.Equal((2L, 6L), (counters.RefusedPerSource, counters.Open));
    }

    [Fact]
    public void A_remote_end_without_an_address_counts_in_the_total_only()
    {
        var counters = new FetchConnectionCounters();
        var limiter = new ConnectionLimiter(new FetchServerOptions { MaxConnections = 3, MaxConnectionsPerSource = 1 }, counters, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.True(limiter.TryAcquire(null, out _));
        Assert.True(limiter.TryAcquire(null, out _));
        Assert.True(limiter.TryAcquire(new IPEndPoint(IPAddress.Loopback, 1), out _));
        Assert.False(limiter.TryAcquire(null, out _));
        Assert.Equal((0L, 1L), (counters.RefusedPerSource, counters.RefusedTotal));
    }

    private static async Task WaitForOpenAsync(FetchFixture f, long open)
    {
        await Eventually.TrueAsync(() => f.Server.Connections.Open == open);
        Assert.Equal(open, f.Server.Connections.Open);
    }
}
