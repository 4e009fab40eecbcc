using System.Net.Sockets;
using Tern.Engine.Loops;

namespace Tern.Transports.Udp;

public sealed partial class UdpNotificationListener
{
    private void Run()
    {
        SetNice();
        Exception? fault = null;
        while (!_stopping && fault is null)
        {
            int count;
            try
            {
                count = _receiver.Receive();
            }
            catch (Exception) when (_stopping)
            {
                break; // the socket closed under the receive at shutdown
            }
#pragma warning disable CA1031 // The receive thread must outlive any failure: each is classified, counted and logged.
            catch (Exception e)
#pragma warning restore CA1031
            {
                fault = OnReceiveFailed(e);
                continue;
            }

            _backoff.Reset();
            if (count > 0)
            {
                FileBatch(count);
                Volatile.Write(ref _received, _received + count);
            }
        }

        if (fault is not null)
        {
            _completion.TrySetException(fault);
        }
    }

    /// <summary>Hands one batch to the ingest; what it throws loses that datagram (or the rest of the batch's records), not the loop.</summary>
    private void FileBatch(int count)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < count; i++)
        {
            try
            {
                _ingest.Stage(_receiver.Datagram(i), _receiver.SourceHash(i), now);
            }
#pragma warning disable CA1031 // One datagram's failure is counted and logged; the next datagram is filed.
            catch (Exception e)
#pragma warning restore CA1031
            {
                OnIngestFailed(e);
            }
        }

        try
        {
            _ingest.Flush(now);
        }
#pragma warning disable CA1031 // As above: the flush finishes the batch before it rethrows the first failure.
        catch (Exception e)
#pragma warning restore CA1031
        {
            OnIngestFailed(e);
        }
    }

    /// <summary>Makes the receive thread nicer (<see cref="UdpListenerOptions.ReceiveThreadNiceIncrement"/>); a refusal is logged, not fatal.</summary>
    private void SetNice()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Volatile.Write(ref _threadId, LinuxThreadNative.CurrentThreadId());
        if (_niceIncrement != 0 && LinuxThreadNative.RaiseCurrentThreadNice(_niceIncrement) is var errno and not 0)
        {
            UdpLogMessages.ReceiveThreadNiceRefused(_logger, _endpointName, _niceIncrement, errno);
        }
    }

    /// <summary>Counts and logs a failed receive, waits when the kind asks for it; returns the error when the loop must stop.</summary>
    private Exception? OnReceiveFailed(Exception error)
    {
        var kind = error switch
        {
            SocketException socket => ReceiveErrors.Classify(socket),
            ObjectDisposedException => LoopErrorKind.Fatal, // closed by someone else than Dispose
            _ => LoopErrorKind.Unexpected,
        };

        var log = Errors.Record(kind, out var unlogged);
        switch (kind)
        {
            case LoopErrorKind.Fatal:
                UdpLogMessages.ReceiveStopped(_logger, _endpointName, error);
                return error;
            case LoopErrorKind.Transient:
                if (log)
                {
                    UdpLogMessages.ReceiveFailed(_logger, _endpointName, unlogged, error);
                }

                return null;
            default:
                // Resource pressure, or a failure this loop does not know: either way, trying again at once would spin.
                var wait = _backoff.Next();
                if (log)
                {
                    UdpLogMessages.ReceiveBackingOff(_logger, _endpointName, (long)wait.TotalMilliseconds, unlogged, error);
                }

                _stop.Wait(wait);
                return null;
        }
    }

    private void OnIngestFailed(Exception error)
    {
        if (Errors.Record(LoopErrorKind.Unexpected, out var unlogged))
        {
            UdpLogMessages.IngestFailed(_logger, _endpointName, unlogged, error);
        }
    }
}
