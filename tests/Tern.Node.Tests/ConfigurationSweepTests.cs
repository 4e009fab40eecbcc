using System.Net;
using System.Net.Sockets;

namespace Tern.Node.Tests;

/// <summary>
/// The configuration surface swept (issue 14, "Bad input"): wrong types, out-of-range and huge values, enum names that
/// do not exist, a data directory that is a file, ports another process holds. Each refuses start with the one
/// exception type, naming the key, the value and the rule, and leaves nothing behind that a good start would not.
/// The binder's refusals of <see cref="NodeConfigurationTests"/> are not repeated here.
/// </summary>
public sealed class ConfigurationSweepTests : IDisposable
{
    private readonly TestDomain _domain = new("a.example");

    public void Dispose() => _domain.Dispose();

    public static TheoryData<string, string, string> RefusedBeforeAnyStage => new()
    {
        { "Tern:Node:PullPreference", "Sometimes", "must be one of WhenRequested, Immediately, Ignore" },
        { "Tern:Node:FetchTls", "maybe", "must be a Boolean" },
        { "Tern:Node:DrainTimeout", "ten seconds", "must be a TimeSpan" },
        { "Tern:Node:ShutdownTimeout", "01:00:00", "between 00:00:01 and 00:10:00" },
        { "Tern:Node:MinPoolThreads", "-1", "between 0 (the runtime's floor) and 1024" },
        { "Tern:Node:NotifyEndpoint", "127.0.0.1:99999", "IP address and a port" },
        { "Tern:Node:MoreNotifyEndpoints:0", "udp://127.0.0.1:7410", "IP address and a port" },
        { "Tern:Node:FetchHints:0", "not a uri", "absolute URI" },
        { "Tern:Transit:ChunkSize", "99999999999999999999", "must be a Int32" },
        { "Tern:Transit:MaxBytes", "-9223372036854775808", "0 (no limit) or positive" },
        { "Tern:Pull:RetryJitter", "1.5", "between 0 and 1" },
        { "Tern:Pull:MaxRetryBackoff", "00:00:01", "≥ RetryBackoff" },
        { "Tern:Pull:RetryBackoff", "-00:00:01", "≥ 0" },
        { "Tern:Pending:TombstoneRetention", "forever", "must be a TimeSpan" },
        { "Tern:Transit:MinFreeBytes", "-1", "0 (no mark) or positive" },
        { "Tern:WellKnown:Validity", "00:00:04", "between 5 seconds and 30 days" },
        { "Tern:WellKnown:CacheMaxAge", "02:00:00", "between 0 and 1 hour" },
        { "Tern:PendingMaintenance:CheckpointInterval", "2.00:00:00", "between 10 ms and 1 day" },
        { "Tern:PendingMaintenance:FullCheckpointEvery", "0", "between 1 and 10 000" },
    };

    [Theory]
    [MemberData(nameof(RefusedBeforeAnyStage))]
    public async Task A_bad_value_is_refused_by_key_value_and_rule_and_nothing_is_written(string key, string value, string rule)
    {
        var before = Snapshot(_domain.DataDirectory);
        await using var node = InProcessNode.Create(_domain.Settings((key, value)));
        var e = await Assert.ThrowsAsync<TernConfigurationException>(() => node.StartAsync());

        Assert.Equal((key, value), (e.Key, e.Value));
        Assert.Contains(rule, e.Rule, StringComparison.Ordinal);
        Assert.Contains($"{key} = '{value}' is invalid", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(_domain.DataDirectory));
    }

    [Theory]
    [InlineData("Tern:WellKnown:Notify:0", "tcp://node.a.example:7400", "udp://host:port")]
    [InlineData("Tern:WellKnown:Notify:0", "udp://node.a.example", "udp://host:port")]
    [InlineData("Tern:WellKnown:Fetch:0", "ftp://node.a.example:21", "https://, tern+tcp:// or quic://host:port")]
    public async Task A_descriptor_endpoint_a_peer_could_not_use_is_refused_naming_it(string key, string value, string rule)
    {
        await using var node = InProcessNode.Create(_domain.Settings((key, value)));
        var e = await Assert.ThrowsAsync<TernConfigurationException>(() => node.StartAsync());

        Assert.Equal(key[..key.LastIndexOf(':')], e.Key);
        Assert.Contains(value, e.Message, StringComparison.Ordinal);
        Assert.Contains(rule, e.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_directory_that_is_a_file_is_refused_and_the_file_is_left_alone()
    {
        var file = Path.Combine(_domain.DataDirectory, "not-a-directory");
        await File.WriteAllTextAsync(file, "x");
        var before = Snapshot(_domain.DataDirectory);
        await using var node = InProcessNode.Create(_domain.Settings(("Tern:Node:DataDirectory", file)));
        var e = await Assert.ThrowsAsync<TernConfigurationException>(() => node.StartAsync());

        Assert.Equal(("Tern:Node:DataDirectory", file), (e.Key, e.Value));
        Assert.Contains("must be a directory", e.Rule, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(_domain.DataDirectory));
        Assert.Equal("x", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task A_notification_port_in_use_is_refused_naming_the_key_and_the_next_start_on_a_free_port_works()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var taken = holder.LocalEndPoint!.ToString()!;

        await using (var node = InProcessNode.Create(_domain.Settings(("Tern:Node:NotifyEndpoint", taken))))
        {
            var e = await Assert.ThrowsAsync<TernConfigurationException>(() => node.StartAsync());
            Assert.Equal(("Tern:Node:NotifyEndpoint", taken), (e.Key, e.Value));
            Assert.Contains("cannot be bound", e.Rule, StringComparison.Ordinal);
        }

        await AssertStartsAsync();
    }

    [Fact]
    public async Task A_fetch_door_port_in_use_is_refused_naming_the_key_and_the_next_start_on_a_free_port_works()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = holder.LocalEndpoint.ToString()!;

        await using (var node = InProcessNode.Create(_domain.Settings(("Tern:Node:FramedEndpoint", taken))))
        {
            var e = await Assert.ThrowsAsync<TernConfigurationException>(() => node.StartAsync());
            Assert.Equal(("Tern:Node:FramedEndpoint", taken), (e.Key, e.Value));
            Assert.Contains("cannot be bound", e.Rule, StringComparison.Ordinal);
        }

        await AssertStartsAsync();
    }

    /// <summary>The refused start unwound what it had opened: the stores open again, and no ports file is left.</summary>
    private async Task AssertStartsAsync()
    {
        Assert.False(File.Exists(TernDataDirectory.PortsFile(_domain.DataDirectory)));
        await using var node = await InProcessNode.StartAsync(_domain.Settings());
        await node.Node.Ready.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Every file under the directory with its size and write time.</summary>
    private static List<string> Snapshot(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => $"{p} {(File.Exists(p) ? new FileInfo(p).Length : -1)} {File.GetLastWriteTimeUtc(p).Ticks}")];
}
