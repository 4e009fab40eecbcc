using System.Net;
using Tern.Engine.Ingest;

namespace Tern.Engine.Tests.Ingest;

/// <summary>What one source is for the rate limits (PROTOCOL.md §4.4): an IPv4 address, an IPv6 /64.</summary>
public sealed class SourcePrefixTests
{
    [Fact]
    public void Addresses_of_one_IPv6_slash_64_are_one_source_and_other_64s_are_not()
    {
        var random = new Random(64);
        var address = IPAddress.Parse("2001:db8:bad:1::").GetAddressBytes();
        var one = SourcePrefix.OfIPv6(address);
        for (var i = 0; i < 1000; i++)
        {
            random.NextBytes(address.AsSpan(8));
            Assert.Equal(one, SourcePrefix.OfIPv6(address));
        }

        Assert.Equal(one, SourcePrefix.Of(IPAddress.Parse("2001:db8:bad:1:ffff:1:2:3")));
        var neighbours = Enumerable.Range(0, 256).Select(i => SourcePrefix.Of(IPAddress.Parse($"2001:db8:bad:{i + 2:x}::1"))).ToHashSet();
        Assert.DoesNotContain(one, neighbours);
        Assert.True(neighbours.Count >= 250); // distinct but for rare hash collisions
    }

    [Fact]
    public void IPv4_addresses_are_each_a_source_also_when_mapped_into_IPv6()
    {
        var sources = Enumerable.Range(0, 1000).Select(i => SourcePrefix.Of(new IPAddress([198, 18, (byte)(i >> 8), (byte)i]))).ToHashSet();
        Assert.True(sources.Count >= 995);

        // A dual-stack socket reports ::ffff:a.b.c.d: the IPv4 address, not the /64 all mapped addresses share.
        Assert.Equal(SourcePrefix.Of(IPAddress.Parse("192.0.2.7")), SourcePrefix.Of(IPAddress.Parse("::ffff:192.0.2.7")));
        Assert.NotEqual(SourcePrefix.Of(IPAddress.Parse("::ffff:192.0.2.7")), SourcePrefix.Of(IPAddress.Parse("::ffff:192.0.2.8")));
    }

    [Fact]
    public void Wrong_lengths_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SourcePrefix.OfIPv4(new byte[16]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SourcePrefix.OfIPv6(new byte[4]));
    }
}
