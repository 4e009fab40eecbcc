using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>
/// The <see cref="PullWorker"/>'s queue: one first-come line per sender domain, served in turn, so a campaign of 10 000
/// pulls from one domain does not stand in front of another domain's one message (a first-come queue made a legitimate
/// sender's pull wait for the whole campaign: perf-reports/spam-economics.md). Bounded as a whole and per domain, so no
/// domain fills it; and at most <c>perDomainInFlight</c> pulls of one domain are out at once (<see cref="Finished"/>
/// gives each back), so the slots a campaign cannot take stay free for the next domain's pull, which then starts at
/// once rather than after a campaign's pull ends (a slow sender can make that arbitrarily late). A domain at its cap
/// waits without holding up the others. At most <c>maxInFlight</c> pulls of all domains are out at once, counting those
/// taken with <see cref="TryTake"/> (a pull begun on its caller's thread, without a reader's wake) beside those read.
/// Many writers and readers; a reader waits without a thread.
/// </summary>
internal sealed class FairPullQueue : IDisposable
{
    private readonly Dictionary<string, SenderLine> _lines = new(StringComparer.Ordinal);

    // Domains with a pull queued and a slot of their own free, in turn order.
    private readonly Queue<SenderLine> _turns = new();

    // One permit for each pull a reader may take now (a turn with a slot free), one more once completed; see Owed.
    private readonly SemaphoreSlim _ready = new(0);
    private readonly Lock _lock = new();
    private readonly int _capacity;
    private readonly int _perDomain;
    private readonly int _perDomainInFlight;
    private readonly int _maxInFlight;
    private int _count;
    private int _inFlight;
    private int _permits;
    private bool _completed;

    /// <summary>
    /// Creates an empty queue holding at most <paramref name="capacity"/> pulls, <paramref name="perDomain"/> of one sender
    /// domain, and handing out at most <paramref name="perDomainInFlight"/> of one domain's pulls, and <paramref name="maxInFlight"/>
    /// of all, until they are <see cref="Finished"/>.
    /// </summary>
    public FairPullQueue(int capacity, int perDomain, int perDomainInFlight = int.MaxValue, int maxInFlight = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perDomain, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perDomainInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        _capacity = capacity;
        _perDomain = perDomain;
        _perDomainInFlight = perDomainInFlight;
        _maxInFlight = maxInFlight;
    }

    /// <summary>Pulls waiting.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Pulls of <paramref name="senderDomain"/> handed out and not yet <see cref="Finished"/>.</summary>
    public int InFlight(string senderDomain)
    {
        lock (_lock)
        {
            return _lines.TryGetValue(senderDomain, out var line) ? line.InFlight : 0;
        }
    }

    /// <summary>Pulls of all domains handed out (read or taken) and not yet <see cref="Finished"/>.</summary>
    public int InFlightTotal
    {
        get
        {
            lock (_lock)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>
    /// Takes a slot for a pull of <paramref name="senderDomain"/> that its caller begins at once, without queueing it: only
    /// when nothing queued could be read now (no domain waits its turn), the domain has nothing queued and is under its cap,
    /// and a slot of all is free, so the pull passes no one. False otherwise, or once completed: queue it with
    /// <see cref="TryWrite"/>. The caller owes a <see cref="Finished"/> for it.
    /// </summary>
    public bool TryTake(string senderDomain)
    {
        lock (_lock)
        {
            if (_completed || _turns.Count > 0 || _inFlight >= _maxInFlight)
            {
                return false;
            }

            if (_lines.TryGetValue(senderDomain, out var line))
            {
                if (line.Items.Count > 0 || line.InFlight >= _perDomainInFlight)
                {
                    return false;
                }
            }
            else
            {
                line = new SenderLine(senderDomain);
                _lines.Add(senderDomain, line);
            }

            line.InFlight++;
            _inFlight++;
            return true;
        }
    }

    /// <summary>Queues a pull at the end of its sender domain's line; false when the queue or that line is full, or the queue is completed.</summary>
    public bool TryWrite(RecipientHash hash, PendingReference reference)
    {
        int owed;
        lock (_lock)
        {
            if (_completed || _count >= _capacity)
            {
                return false;
            }

            if (!_lines.TryGetValue(reference.SenderDomain, out var line))
            {
                line = new SenderLine(reference.SenderDomain);
                _lines.Add(reference.SenderDomain, line);
            }

            if (line.Items.Count >= _perDomain)
            {
                return false;
            }

            line.Items.Enqueue((hash, reference));
            _count++;
            TakeTurnIfReady(line);
            owed = Owed();
        }

        Release(owed);
        return true;
    }

    /// <summary>
    /// Takes the next pull: the head of the next line in turn whose domain is under its cap of pulls out. The caller owes a
    /// <see cref="Finished"/> for it. Throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public async ValueTask<(RecipientHash Hash, PendingReference Reference)?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _ready.WaitAsync(cancellationToken).ConfigureAwait(false);
            (RecipientHash, PendingReference)? next = null;
            bool leave;
            int owed;
            lock (_lock)
            {
                _permits--;
                if (_turns.Count > 0 && _inFlight < _maxInFlight)
                {
                    var line = _turns.Dequeue();
                    line.InTurn = false;
                    next = line.Items.Dequeue();
                    _count--;
                    line.InFlight++;
                    _inFlight++;
                    TakeTurnIfReady(line);
                }

                // Completed and nothing to take now: every reader leaves, each passing Complete's permit on (what is left
                // waits for a slot's release, which the reader that finishes that pull serves). Not completed, a permit
                // with nothing to take (its slot was taken meanwhile) sends the reader back to wait.
                leave = next is null && _completed;
                owed = Owed();
            }

            Release(owed);
            if (next is not null || leave)
            {
                return next;
            }
        }
    }

    /// <summary>Gives back the slot of a pull of <paramref name="senderDomain"/> that <see cref="ReadAsync"/> handed out.</summary>
    public void Finished(string senderDomain)
    {
        int owed;
        lock (_lock)
        {
            if (!_lines.TryGetValue(senderDomain, out var line) || line.InFlight == 0)
            {
                throw new InvalidOperationException($"No pull of {senderDomain} is out.");
            }

            line.InFlight--;
            _inFlight--;
            TakeTurnIfReady(line);
            owed = Owed();
        }

        Release(owed);
    }

    /// <summary>Takes no more pulls; readers take what is queued, then get null.</summary>
    public void Complete()
    {
        int owed;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            owed = Owed();
        }

        Release(owed);
    }

    /// <inheritdoc />
    public void Dispose() => _ready.Dispose();

    /// <summary>
    /// The permits to release so that one is out for each pull a reader may take now (the turns, at most the slots of all
    /// still free), and one more once completed to send the readers away; counts them as out. Under the lock.
    /// </summary>
    private int Owed()
    {
        var takeable = Math.Min(_turns.Count, _maxInFlight - _inFlight) + (_completed ? 1 : 0);
        var owed = takeable - _permits;
        if (owed <= 0)
        {
            return 0;
        }

        _permits += owed;
        return owed;
    }

    private void Release(int permits)
    {
        if (permits > 0)
        {
            _ready.Release(permits);
        }
    }

    /// <summary>
    /// Puts the line at the end of the turns if it has a pull queued, a slot of its own free and is not there already;
    /// drops a line with nothing queued or out. Under the lock.
    /// </summary>
    private void TakeTurnIfReady(SenderLine line)
    {
        if (line.InTurn)
        {
            return;
        }

        if (line.Items.Count == 0)
        {
            if (line.InFlight == 0)
            {
                _lines.Remove(line.Domain);
            }

            return;
        }

        if (line.InFlight >= _perDomainInFlight)
        {
            return;
        }

        line.InTurn = true;
        _turns.Enqueue(line);
    }

    /// <summary>One sender domain's pulls waiting, first come first served, and how many of its pulls are out.</summary>
    private sealed class SenderLine(string domain)
    {
        public string Domain { get; } = domain;

        public Queue<(RecipientHash Hash, PendingReference Reference)> Items { get; } = new();

        public int InFlight { get; set; }

        public bool InTurn { get; set; }
    }
}
