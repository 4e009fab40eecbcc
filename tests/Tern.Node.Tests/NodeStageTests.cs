using System.Net;
using System.Net.Sockets;
using Tern.Engine.Transit;

namespace Tern.Node.Tests;

/// <summary>The stages start in one order and stop in the reverse one; a stage that fails to start unwinds those before it.</summary>
public sealed class NodeStageTests : IDisposable
{
    private const int StageStarted = 7;
    private const int StageStopped = 8;
    private const int StoresClosed = 2;
    private readonly TestDomain _domain = new("a.example");

    public void Dispose() => _domain.Dispose();

    [Fact]
    public async Task Stages_start_stores_first_and_intake_last_and_stop_in_reverse()
    {
        var node = await InProcessNode.StartAsync(_domain.Settings());
        await node.Node.Ready.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(File.Exists(TernDataDirectory.PortsFile(_domain.DataDirectory)));
        await node.DisposeAsync();

        Assert.Equal(["Stage Stores started", "Stage PendingMaintenance started", "Stage Fetch started", "Stage Delivery started", "Stage Pull started", "Stage Custody started", "Stage Bulk started",
            "Stage Intake started",
            "Stage Descriptor started", "Stage KeyRotation started", "Stage Ready started"], node.Events(StageStarted));
        Assert.Equal(["Stage Ready stopped", "Stage KeyRotation stopped", "Stage Descriptor stopped", "Stage Intake stopped", "Stage Bulk stopped", "Stage Custody stopped", "Stage Pull stopped", "Stage Delivery stopped",
            "Stage Fetch stopped", "Stage PendingMaintenance stopped", "Stage Stores stopped"], node.Events(StageStopped));
        Assert.Single(node.Events(StoresClosed));
        Assert.False(File.Exists(TernDataDirectory.PortsFile(_domain.DataDirectory)));
    }

    [Fact]
    public async Task A_stage_failing_to_start_stops_the_stages_started_before_it_in_reverse()
    {
        // The notification port is taken: the intake stage fails after the stores, doors, delivery, pull, custody and bulk started.
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var node = InProcessNode.Create(_domain.Settings(("Tern:Node:NotifyEndpoint", taken.LocalEndPoint!.ToString())));

        var refused = await Assert.ThrowsAsync<TernConfigurationException>(() => node.StartAsync());
        Assert.IsType<SocketException>(refused.InnerException);

        Assert.Equal(["Stage Stores started", "Stage PendingMaintenance started", "Stage Fetch started", "Stage Delivery started", "Stage Pull started", "Stage Custody started", "Stage Bulk started"], node.Events(StageStarted));
        Assert.Equal(["Stage Intake stopped", "Stage Bulk stopped", "Stage Custody stopped", "Stage Pull stopped", "Stage Delivery stopped", "Stage Fetch stopped", "Stage PendingMaintenance stopped",
            "Stage Stores stopped"],
            node.Events(StageStopped));
        Assert.Single(node.Events(StoresClosed));
        Assert.False(node.Node.Ready.IsCompleted);

        // The framed door's port is free again and the transit store opens: what the failed start opened is closed.
        using (var door = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            door.Bind(node.Node.FramedEndPoint!);
        }

        var options = new TransitStoreOptions { DataDirectory = _domain.DataDirectory, ChunkSize = 16384, BlobPageSizeBits = 16, BlobMemorySizeBits = 20, BlobSegmentSizeBits = 24, JournalMemorySizeBits = 21, JournalSegmentSizeBits = 22 };
        await using var store = await TransitStore.OpenAsync(options);
    }
}
