using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Tern.Engine.Ingest;
using Tern.Engine.Loops;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Protocol;
using Tern.Transports.Udp;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// The notification port's receive thread outlives what goes wrong on it: a sink that throws, receives that fail for a
/// moment or for want of resources. Each error is counted by kind and logged once within the rate-limit window; a socket
/// that is gone stops the thread with its reason.
/// </summary>
public sealed class UdpListenerFaultTests : IDisposable
{
    // UdpLogMessages event ids.
    private const int ReceiveFailedEvent = 3;
    private const int ReceiveBackingOffEvent = 4;
    private const int ReceiveStoppedEvent = 5;
    private const int IngestFailedEvent = 6;

    private readonly NotificationFixture _f = new();
    private readonly Socket _client = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public UdpListenerFaultTests() => _client.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public void Dispose()
    {
        _client.Dispose();
        _f.Dispose();
    }

    [Fact]
    public async Task A_sink_that_throws_loses_those_datagrams_not_the_loop_and_is_logged_once()
    {
        var sink = new ThrowingSink();
        var ingest = new NotificationIngest(_f.Receiver, sink, sink, new IngestOptions());
        var logger = new CapturingLogger<UdpNotificationListener>();
        using var listener = new UdpNotificationListener(Options(), ingest, logger: logger);
        listener.Start();

        // Three datagrams the sink throws on, each in a batch of its own, then ten it files.
        for (var i = 0; i < 3; i++)
        {
            var poisoned = FetchCapability.NewRandom();
            sink.Poisoned.TryAdd(poisoned, 0);
            await SendAsync(listener, poisoned);
            await Eventually.AssertAsync(() => listener.Errors.Count(LoopErrorKind.Unexpected) == i + 1);
        }

        var good = Enumerable.Range(0, 10).Select(_ => FetchCapability.NewRandom()).ToList();
        foreach (var capability in good)
        {
            await SendAsync(listener, capability);
        }

        await Eventually.AssertAsync(() => sink.Accepted.Count == good.Count);
        Assert.Equal(good, sink.Accepted);
        Assert.Equal(3, listener.Errors.Count(LoopErrorKind.Unexpected));
        Assert.Equal(3, listener.Errors.Total);
        Assert.Equal(3, listener.Counters.DeliveryFailures);
        Assert.Equal(1, logger.Count(IngestFailedEvent));
        Assert.IsType<InvalidOperationException>(logger.Entries.Single(e => e.EventId == IngestFailedEvent).Exception);
        Assert.False(listener.Completion.IsCompleted);
    }

    [Fact]
    public async Task Failed_receives_are_counted_by_kind_logged_once_each_and_receiving_goes_on()
    {
        var sink = new ThrowingSink();
        var ingest = new NotificationIngest(_f.Receiver, sink, sink, new IngestOptions());
        var logger = new CapturingLogger<UdpNotificationListener>();
        FlakyReceiver? flaky = null;
        using var listener = new UdpNotificationListener(Options(), ingest, null, logger, socket => flaky = new FlakyReceiver(socket,
        [
            .. Enumerable.Repeat(SocketError.ConnectionRefused, 5),
            .. Enumerable.Repeat(SocketError.NoBufferSpaceAvailable, 3),
            SocketError.Interrupted,
            SocketError.SocketError,
        ]));
        listener.Start();

        var good = Enumerable.Range(0, 5).Select(_ => FetchCapability.NewRandom()).ToList();
        foreach (var capability in good)
        {
            await SendAsync(listener, capability);
        }

        await Eventually.AssertAsync(() => sink.Accepted.Count == good.Count);
        Assert.Equal(good, sink.Accepted);
        Assert.Equal(0, flaky!.Pending);
        Assert.Equal(6, listener.Errors.Count(LoopErrorKind.Transient));
        Assert.Equal(4, listener.Errors.Count(LoopErrorKind.BackOff)); // an error this loop does not know is given time too
        Assert.Equal(0, listener.Errors.Count(LoopErrorKind.Fatal));
        Assert.Equal(1, logger.Count(ReceiveFailedEvent));
        Assert.Equal(1, logger.Count(ReceiveBackingOffEvent));
        Assert.False(listener.Completion.IsCompleted);
    }

    [Fact]
    public async Task A_socket_that_is_gone_stops_the_loop_with_its_reason()
    {
        var sink = new ThrowingSink();
        var ingest = new NotificationIngest(_f.Receiver, sink, sink, new IngestOptions());
        var logger = new CapturingLogger<UdpNotificationListener>();
        var listener = new UdpNotificationListener(Options(), ingest, null, logger, socket => new FlakyReceiver(socket, [SocketError.NotSocket]));
        listener.Start();

        var error = await Assert.ThrowsAsync<SocketException>(() => listener.Completion.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(SocketError.NotSocket, error.SocketErrorCode);
        Assert.Equal(1, listener.Errors.Count(LoopErrorKind.Fatal));
        Assert.Equal(1, logger.Count(ReceiveStoppedEvent));
        listener.Dispose();
        await SendAsync(listener, FetchCapability.NewRandom());
        Assert.Empty(sink.Accepted);
    }

    [Theory]
    [InlineData(105, LoopErrorKind.BackOff)] // ENOBUFS
    [InlineData(12, LoopErrorKind.BackOff)] // ENOMEM
    [InlineData(24, LoopErrorKind.BackOff)] // EMFILE
    [InlineData(111, LoopErrorKind.Transient)] // ECONNREFUSED: an ICMP error queued on the socket
    [InlineData(4, LoopErrorKind.Transient)] // EINTR
    [InlineData(9, LoopErrorKind.Fatal)] // EBADF
    [InlineData(88, LoopErrorKind.Fatal)] // ENOTSOCK
    [InlineData(22, LoopErrorKind.Fatal)] // EINVAL
    [InlineData(200, LoopErrorKind.BackOff)] // unknown
    public void Recvmmsg_errors_are_classified_by_their_errno(int errno, LoopErrorKind kind)
        => Assert.Equal(kind, ReceiveErrors.Classify(LinuxSocketNative.Exception(errno)));

    private static UdpListenerOptions Options() => new()
    {
        Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
        PollInterval = TimeSpan.FromMilliseconds(50),
        BackoffInitial = TimeSpan.FromMilliseconds(5),
        BackoffMax = TimeSpan.FromMilliseconds(20),
    };

    private async Task SendAsync(UdpNotificationListener listener, FetchCapability capability)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Notification, _f.Sender.AgreementPublicKey, now);
        Assert.True(writer.TryAdd(new NotificationRecord(capability, RecipientHash.NewRandom(), now + 86_400_000, 10, Bytes32.Random(), 1, NotificationFlags.None, "a.example"u8, default, default)));
        await _client.SendToAsync(buffer.AsMemory(0, writer.Seal(_f.SendKey)), listener.LocalEndpoint);
    }

    /// <summary>The real <c>recvmmsg</c> receiver, behind a queue of errors its first receives fail with.</summary>
    private sealed class FlakyReceiver(Socket socket, IEnumerable<SocketError> failures) : IDatagramReceiver
    {
        private readonly RecvMmsgReceiver _inner = new(socket);
        private readonly ConcurrentQueue<SocketError> _failures = new(failures);

        public int Pending => _failures.Count;

        public int Receive() => _failures.TryDequeue(out var error) ? throw new SocketException((int)error) : _inner.Receive();

        public ReadOnlySpan<byte> Datagram(int index) => _inner.Datagram(index);

        public int SourceHash(int index) => _inner.SourceHash(index);

        public void Dispose() => _inner.Dispose();
    }
}
