using System.Net;
using Tern.Engine.Notify;

namespace Tern.GatewayBench;

/// <summary>A transport that sends nothing and keeps the clock's time of every datagram the scheduler handed it.</summary>
internal sealed class SendClock(TimeProvider clock) : IDatagramTransport
{
    private readonly Lock _lock = new();
    private readonly List<long> _sentAtMs = new(capacity: 1 << 16);

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            _sentAtMs.Add(now);
        }
    }

    public void Flush()
    {
    }

    /// <summary>The send instants so far, in order.</summary>
    public long[] SentAtMs()
    {
        lock (_lock)
        {
            return [.. _sentAtMs];
        }
    }
}
