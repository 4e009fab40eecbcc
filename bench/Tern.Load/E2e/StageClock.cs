using System.Diagnostics;
using Tern.Engine.Protocol;

namespace Tern.Load.E2e;

/// <summary>
/// The timestamps of the one message in flight (the driver submits the next only after the previous is stored):
/// each stage is stamped once, by whichever thread reaches it first, with <see cref="Stopwatch.GetTimestamp"/>. Stamps of
/// other capabilities (a late retransmission of an earlier message) are ignored. Nothing allocates per message.
/// </summary>
internal sealed class StageClock
{
    private readonly object _gate = new();
    private FetchCapability _watched;
    private bool _armed;
    private long _sent;
    private long _filed;
    private long _fetched;

    /// <summary>Starts watching <paramref name="capability"/>; called before the submission is scheduled.</summary>
    public void Arm(FetchCapability capability)
    {
        lock (_gate)
        {
            _watched = capability;
            _sent = _filed = _fetched = 0;
            _armed = true;
        }
    }

    /// <summary>The first datagram is about to leave the sender's transport after <see cref="Arm"/> (only the watched one can be due then).</summary>
    public void DatagramSent()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_armed && _sent == 0)
            {
                _sent = now;
            }
        }
    }

    /// <summary>The recipient filed a pending reference for <paramref name="capability"/>.</summary>
    public void Filed(FetchCapability capability) => Stamp(capability, ref _filed);

    /// <summary>The recipient's fetch of <paramref name="capability"/> returned (bytes in the partial file).</summary>
    public void Fetched(FetchCapability capability) => Stamp(capability, ref _fetched);

    /// <summary>The stamps of the watched message, and stops watching.</summary>
    public (long Sent, long Filed, long Fetched) Disarm()
    {
        lock (_gate)
        {
            _armed = false;
            return (_sent, _filed, _fetched);
        }
    }

    private void Stamp(FetchCapability capability, ref long field)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_armed && field == 0 && capability == _watched)
            {
                field = now;
            }
        }
    }
}
