using System.Net;
using Tern.Engine.Bulk;

namespace Tern.Bulk.Tests.Relay;

/// <summary>
/// gb.example's answers as a relay test scripts them, so a scenario's condition holds by construction rather than by
/// timing: the reports of the sessions in <see cref="LoseReports"/> never leave (their sender does not hear that the block
/// is whole), and every session's receipts wait here, unsent, until the test lets that session's go (<see cref="Release"/>).
/// Sessions are numbered 1, 2, … in the order of their first answer.
/// </summary>
internal sealed class HeldAnswers(IBulkDatagramSink inner) : IBulkDatagramSink
{
    private readonly object _gate = new();
    private readonly List<BulkSessionId> _sessions = [];
    private readonly Dictionary<int, List<(byte[] Datagram, SocketAddress Destination)>> _held = [];
    private readonly HashSet<int> _released = [];
    private int _reportsLost;

    /// <summary>The sessions (by number) whose reports are lost.</summary>
    public HashSet<int> LoseReports { get; init; } = [];

    /// <summary>Reports lost so far.</summary>
    public int ReportsLost => Volatile.Read(ref _reportsLost);

    /// <summary>Receipts of session <paramref name="number"/> waiting here: it committed its block, its sender has not heard.</summary>
    public int ReceiptsHeld(int number)
    {
        lock (_gate)
        {
            return _held.TryGetValue(number, out var held) ? held.Count : 0;
        }
    }

    /// <summary>Sends session <paramref name="number"/>'s receipts held so far, and lets its later ones go at once.</summary>
    public void Release(int number)
    {
        List<(byte[] Datagram, SocketAddress Destination)>? held;
        lock (_gate)
        {
            _released.Add(number);
            _held.Remove(number, out held);
        }

        foreach (var (datagram, destination) in held ?? [])
        {
            inner.Send(datagram, destination);
        }
    }

    public void Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        if (BulkDatagram.TryReadHeader(datagram, out var type, out _, out var session))
        {
            lock (_gate)
            {
                var number = _sessions.IndexOf(session) + 1;
                if (number == 0)
                {
                    _sessions.Add(session);
                    number = _sessions.Count;
                }

                if (type == BulkDatagramType.Report && LoseReports.Contains(number))
                {
                    _reportsLost++;
                    return;
                }

                if (type == BulkDatagramType.Receipt && !_released.Contains(number))
                {
                    if (!_held.TryGetValue(number, out var held))
                    {
                        _held[number] = held = [];
                    }

                    held.Add((datagram.ToArray(), destination));
                    return;
                }
            }
        }

        inner.Send(datagram, destination);
    }
}
