using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tern.Engine.Ingest;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Protocol;
using Tern.Transports.Udp;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// Issue 16, "Overload": every datagram that reaches the notification port is counted somewhere — read and filed or dropped
/// by reason, lost with a failed delivery, or dropped by the kernel before the thread read it — and the receive thread can
/// be made to give way to the node's other threads.
/// </summary>
public sealed class UdpPortAccountingTests : IDisposable
{
    private readonly NotificationFixture _f = new();
    private readonly Socket _client = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public UdpPortAccountingTests() => _client.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public void Dispose()
    {
        _client.Dispose();
        _f.Dispose();
    }

    [Fact]
    public async Task Datagrams_the_kernel_drops_for_a_full_buffer_are_counted_and_with_those_read_make_every_one_sent()
    {
        const int Sent = 300;
        var sink = new ThrowingSink();
        var ingest = new NotificationIngest(_f.Receiver, sink, sink, new IngestOptions());

        // A buffer of a few datagrams and a thread not yet started: the kernel keeps what fits and drops the rest.
        using var listener = new UdpNotificationListener(Options(receiveBufferBytes: 4096), ingest);
        for (var i = 0; i < Sent; i++)
        {
            await SendAsync(listener, FetchCapability.NewRandom());
        }

        var dropped = listener.KernelDrops;
        Assert.InRange(dropped, 1, Sent - 1);
        listener.Start();

        await Eventually.AssertAsync(() => listener.DatagramsReceived + listener.KernelDrops == Sent);
        listener.Dispose();
        Assert.Equal(dropped, listener.KernelDrops); // nothing more was lost once the thread read; the count outlives the socket
        Assert.Equal(Sent - dropped, listener.DatagramsReceived);
        Assert.Equal(listener.DatagramsReceived, sink.Accepted.Count);
    }

    [Fact]
    public async Task A_receive_batch_larger_than_the_stage_loses_no_datagram_uncounted_when_the_sink_throws()
    {
        // One recvmmsg returns all of them: they wait in the socket until the thread starts.
        var count = NotificationIngest.MaxStaged + 1;
        var sink = new ThrowingSink();
        var ingest = new NotificationIngest(_f.Receiver, sink, sink, new IngestOptions());
        using var listener = new UdpNotificationListener(Options(batchSize: 2 * NotificationIngest.MaxStaged), ingest);
        var poisoned = FetchCapability.NewRandom();
        sink.Poisoned.TryAdd(poisoned, 0);
        await SendAsync(listener, poisoned);
        for (var i = 1; i < count; i++)
        {
            await SendAsync(listener, FetchCapability.NewRandom());
        }

        listener.Start();
        await Eventually.AssertAsync(() => listener.DatagramsReceived == count);
        listener.Dispose();

        // The poisoned datagram is the one lost, and counted; the 65th is filed (it used to be neither filed nor counted).
        Assert.Equal(0, listener.KernelDrops);
        Assert.Equal(1, listener.Counters.DeliveryFailures);
        Assert.Equal(count - 1, sink.Accepted.Count);
        Assert.Equal(count, listener.Counters.DatagramsAccepted);
    }

    [Fact]
    public async Task The_receive_thread_runs_the_configured_steps_nicer_than_the_thread_that_started_it()
    {
        var sink = new ThrowingSink();
        var ingest = new NotificationIngest(_f.Receiver, sink, sink, new IngestOptions());
        var options = Options();
        options.ReceiveThreadNiceIncrement = 3;
        using var listener = new UdpNotificationListener(options, ingest);
        var own = Nice("/proc/thread-self/stat");
        listener.Start();

        // The thread sets its value before its first receive; a datagram filed proves it has.
        await SendAsync(listener, FetchCapability.NewRandom());
        await Eventually.AssertAsync(() => listener.DatagramsReceived == 1);
        Assert.NotEqual(0, listener.ReceiveThreadId);
        Assert.Equal(Math.Min(19, own + 3), Nice($"/proc/self/task/{listener.ReceiveThreadId}/stat"));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(20)]
    public void A_nice_increment_outside_0_to_19_is_refused_naming_the_option(int increment)
    {
        var options = Options();
        options.ReceiveThreadNiceIncrement = increment;
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(nameof(UdpListenerOptions.ReceiveThreadNiceIncrement), error.Message, StringComparison.Ordinal);
    }

    /// <summary>Field 19 of a task's <c>stat</c> line, counted after the parenthesised command name (which may hold spaces).</summary>
    private static int Nice(string statPath)
    {
        var stat = File.ReadAllText(statPath);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], CultureInfo.InvariantCulture);
    }

    private static UdpListenerOptions Options(int receiveBufferBytes = 1 << 20, int batchSize = 64) => new()
    {
        Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
        PollInterval = TimeSpan.FromMilliseconds(50),
        ReceiveBufferBytes = receiveBufferBytes,
        BatchSize = batchSize,
    };

    private async Task SendAsync(UdpNotificationListener listener, FetchCapability capability)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Notification, _f.Sender.AgreementPublicKey, now);
        Assert.True(writer.TryAdd(new NotificationRecord(capability, RecipientHash.NewRandom(), now + 86_400_000, 10, Bytes32.Random(), 1, NotificationFlags.None, "a.example"u8, default, default)));
        await _client.SendToAsync(buffer.AsMemory(0, writer.Seal(_f.SendKey)), listener.LocalEndpoint);
    }
}
