namespace Tern.Node.Tests;

/// <summary>
/// A bad value in any options class refuses start with one exception type whose message names the key, the value and
/// the rule (issue 14, "Bad input"): one case per options class the node binds, and the binder's own refusals.
/// </summary>
public sealed class NodeConfigurationTests : IDisposable
{
    private readonly TestDomain _domain = new("a.example");

    public void Dispose() => _domain.Dispose();

    public static TheoryData<string, string, string> BadValues => new()
    {
        { "Tern:Node:Domain", "Not A Domain!", "domain name" },
        { "Tern:Node:DrainTimeout", "00:01:00", "less than ShutdownTimeout" },
        { "Tern:Node:FramedEndpoint", "localhost", "IP address and a port" },
        { "Tern:Node:DescriptorTrustedRoots", "no-such-ca.pem", "readable PEM file" },
        { "Tern:Node:DescriptorTrustedRoots", "keys/domain.pub", "at least one certificate" },
        { "Tern:Transit:BlobPageSizeBits", "40", "between 12 and 28" },
        { "Tern:Transit:MaxBytes", "-1", "0 (no limit) or positive" },
        { "Tern:Pending:MaxPollScan", "0", "MaxPollScan" },
        { "Tern:Ingest:ProbationCapacity", "2", "at least 8" },
        { "Tern:Pull:MaxConcurrentPulls", "0", "must be ≥ 1" },
        { "Tern:Pull:MaxConcurrentPerSenderDomain", "17", "between 0 (half of MaxConcurrentPulls) and MaxConcurrentPulls" },
        { "Tern:Udp:BatchSize", "0", "at least 1" },
        { "Tern:Fetch:MaxStreamsPerConnection", "0", "1–65536" },
        { "Tern:Discovery:PrefetchRatio", "2", "in (0, 1]" },
        { "Tern:DiscoveryNetwork:DnsRetries", "9", "between 0 and 5" },
        { "Tern:Delivery:WheelSlots", "3", "power of two" },

        // The message store has no rule of its own beyond its types: the binder's refusal, by key and value.
        { "Tern:Messages:Durable", "perhaps", "must be a Boolean" },
        { "Tern:Transit:ChunkSize", "big", "must be a Int32" },

        // A misspelt key is refused rather than ignored.
        { "Tern:Transit:ChunkSise", "4096", "not a setting of Tern:Transit" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task A_bad_value_refuses_start_naming_the_key_the_value_and_the_rule(string key, string value, string rule)
    {
        await using var node = InProcessNode.Create(_domain.Settings((key, value)));
        var e = await Assert.ThrowsAsync<TernConfigurationException>(() => node.StartAsync());

        Assert.Equal(key, e.Key);
        Assert.Equal(value, e.Value);
        Assert.Contains(rule, e.Rule, StringComparison.Ordinal);
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(e.Rule, e.Message, StringComparison.Ordinal);

        // Refused before any stage ran: nothing was opened or written.
        Assert.False(Directory.Exists(Path.Combine(_domain.DataDirectory, "transit")));
        Assert.False(File.Exists(TernDataDirectory.PortsFile(_domain.DataDirectory)));
    }

    [Fact]
    public async Task The_same_settings_with_good_values_start()
    {
        await using var node = await InProcessNode.StartAsync(_domain.Settings());
        await node.Node.Ready.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("a.example", node.Node.Domain);
    }

    [Fact]
    public async Task A_key_set_of_another_domain_refuses_start_naming_the_domain()
    {
        await using var node = InProcessNode.Create(_domain.Settings(("Tern:Node:Domain", "b.example")));
        var e = await Assert.ThrowsAsync<TernConfigurationException>(() => node.StartAsync());
        Assert.Equal("Tern:Node:Domain", e.Key);
        Assert.Equal("b.example", e.Value);
        Assert.Contains("a.example", e.Rule, StringComparison.Ordinal);
    }
}
