using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Node.Tests.Bulk;

/// <summary>
/// <c>Tern:Gateway:Bulk</c> (docs/OPERATIONS.md "Bulk next hops"): bound and validated like the other options classes, its
/// nested sections beside <c>Tern:Gateway</c>'s own keys; a gateway opens the port and publishes it in its descriptor's
/// <c>bulk</c> field (docs/PROTOCOL.md §6.1), a domain node opens none.
/// </summary>
public sealed class BulkGatewayConfigurationTests : IDisposable
{
    private readonly TestDomain _domain = new("g.example");

    public void Dispose() => _domain.Dispose();

    public static TheoryData<string, string, string> BadValues => new()
    {
        { "Tern:Gateway:Bulk:Endpoint", "localhost", "IP address and a port" },
        { "Tern:Gateway:Bulk:RetryInterval", "00:00:00", "between 1 ms and 1 hour" },
        { "Tern:Gateway:Bulk:SocketBufferBytes", "1024", "at least 65536" },
        { "Tern:Gateway:Bulk:Sender:RetryLimit", "-1", "non-negative" },
        { "Tern:Gateway:Bulk:Sender:MaxDatagramBytes", "20000", "less than or equal to" },
        { "Tern:Gateway:Bulk:Receiver:MaxSessions", "0", "greater than or equal to" },
        { "Tern:Gateway:Bulk:Receiver:MaxSesions", "4", "not a setting of Tern:Gateway:Bulk:Receiver" },
        { "Tern:Gateway:Bulk:Endpont", "127.0.0.1:0", "not a setting of Tern:Gateway:Bulk" },
        { "Tern:Gateway:Bulky", "1", "not a setting of Tern:Gateway" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task A_bad_bulk_value_refuses_start_naming_the_key_the_value_and_the_rule(string key, string value, string rule)
    {
        await using var node = InProcessNode.Create(_domain.Settings(("Tern:Node:Role", "Gateway"), ("Tern:Node:HttpEndpoint", "127.0.0.1:0"), (key, value)));
        var e = await Assert.ThrowsAsync<TernConfigurationException>(() => node.StartAsync());

        Assert.Equal(key, e.Key);
        Assert.Equal(value, e.Value);
        Assert.Contains(rule, e.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_opens_its_bulk_port_and_publishes_it_in_its_signed_descriptor()
    {
        await using var node = await InProcessNode.StartAsync(_domain.Settings(
            ("Tern:Node:Role", "Gateway"),
            ("Tern:Node:HttpEndpoint", "127.0.0.1:0"),
            ("Tern:Gateway:Senders:0", "a.example"),
            ("Tern:Gateway:Bulk:Endpoint", "127.0.0.1:0"),
            ("Tern:Gateway:Bulk:NextHops:m.example", "mars-gw.example"),
            ("Tern:Gateway:Bulk:Receiver:Senders:0", "earth-gw.example")));
        await node.Node.Ready.WaitAsync(TimeSpan.FromSeconds(30));

        var bulk = node.Node.BulkEndPoint;
        Assert.NotNull(bulk);
        Assert.NotEqual(0, bulk.Port);
        Assert.NotNull(node.Node.BulkRelay);
        Assert.True(node.Node.BulkRelay.HasNextHops);
        string fingerprint;
        using (var keys = DomainKeySet.Load(TernDataDirectory.Keys(_domain.DataDirectory)))
        {
            fingerprint = keys.Fingerprint;
        }

        var served = SignedDescriptor.Verify(node.Node.ServedDescriptor!.Value.Span, "g.example", DateTimeOffset.UtcNow, [Bytes32.Parse(fingerprint)]);
        Assert.True(served.IsValid, served.Detail);
        Assert.Equal([$"udp://{bulk}"], served.Descriptor!.Bulk);
        Assert.True(served.Descriptor.Gateway);

        // The delivery to a next-hop destination is held from the scheduler; another is not.
        Assert.True(node.Node.BulkRelay.IsHeld(MessageId.NewRandom(), "m.example"));
        Assert.False(node.Node.BulkRelay.IsHeld(MessageId.NewRandom(), "b.example"));
    }

    [Fact]
    public async Task A_domain_node_opens_no_bulk_port_whatever_the_settings_say()
    {
        await using var node = await InProcessNode.StartAsync(_domain.Settings(("Tern:Gateway:Bulk:Endpoint", "127.0.0.1:0")));
        await node.Node.Ready.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(node.Node.BulkEndPoint);
        Assert.Null(node.Node.BulkReceiver);
        Assert.Null(node.Node.BulkRelay);
        Assert.Null(node.Node.Describe(TimeSpan.FromHours(1)).Bulk);
    }
}
