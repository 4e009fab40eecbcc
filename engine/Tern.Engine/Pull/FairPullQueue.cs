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
/// waits without holding up the others. Many writers and readers; a reader waits without a thread.
/// </summary>
internal sealed class FairPullQueue : IDisposable
{
    private readonly Dictionary<string, SenderLine> _lines = new(StringComparer.Ordinal);

    // Domains with a pull queued and a slot of their own free, in turn order; one _ready permit each.
    private readonly Queue<SenderLine> _turns = new();
    private readonly SemaphoreSlim _ready = new(0);
    private readonly Lock _lock = new();
    private readonly int _capacity;
    private readonly int _perDomain;
    private readonly int _perDomainInFlight;
    private int _count;
    private bool _completed;

    /// <summary>
    /// Creates an empty queue holding at most <paramref name="capacity"/> pulls, <paramref name="perDomain"/> of one sender
    /// domain, and handing out at most <paramref name="perDomainInFlight"/> of one domain's pulls until they are <see cref="Finished"/>.
    /// </summary>
    public FairPullQueue(int capacity, int perDomain, int perDomainInFlight = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perDomain, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perDomainInFlight, 1);
        _capacity = capacity;
        _perDomain = perDomain;
        _perDomainInFlight = perDomainInFlight;
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

    /// <summary>Queues a pull at the end of its sender domain's line; false when the queue or that line is full, or the queue is completed.</summary>
    public bool TryWrite(RecipientHash hash, PendingReference reference)
    {
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
            if (!TakeTurnIfReady(line))
            {
                return true;
            }
        }

        _ready.Release();
        return true;
    }

    /// <summary>
    /// Takes the next pull: the head of the next line in turn whose domain is under its cap of pulls out. The caller owes a
    /// <see cref="Finished"/> for it. Throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public async ValueTask<(RecipientHash Hash, PendingReference Reference)?> ReadAsync(CancellationToken cancellationToken)
    {
        await _ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        bool again;
        (RecipientHash, PendingReference) next;
        lock (_lock)
        {
            if (_turns.Count == 0)
            {
                // Only Complete releases without a turn: every reader leaves (what is left waits for a slot's release,
                // which the reader that finishes that pull serves).
                _ready.Release();
                return null;
            }

            var line = _turns.Dequeue();
            line.InTurn = false;
            next = line.Items.Dequeue();
            _count--;
            line.InFlight++;
            again = TakeTurnIfReady(line);
        }

        if (again)
        {
            _ready.Release();
        }

        return next;
    }

    /// <summary>Gives back the slot of a pull of <paramref name="senderDomain"/> that <see cref="ReadAsync"/> handed out.</summary>
    public void Finished(string senderDomain)
    {
        bool ready;
        lock (_lock)
        {
            if (!_lines.TryGetValue(senderDomain, out var line) || line.InFlight == 0)
            {
                throw new InvalidOperationException($"No pull of {senderDomain} is out.");
            }

            line.InFlight--;
            ready = TakeTurnIfReady(line);
        }

        if (ready)
        {
            _ready.Release();
        }
    }

    /// <summary>Takes no more pulls; readers take what is queued, then get null.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
        }

        _ready.Release();
    }

    /// <inheritdoc />
    public void Dispose() => _ready.Dispose();

    /// <summary>
    /// Puts the line at the end of the turns if it has a pull queued, a slot free and is not there already (true: one
    /// more permit is owed); drops a line with nothing queued or out. Under the lock.
    /// </summary>
    private bool TakeTurnIfReady(SenderLine line)
    {
        if (line.InTurn)
        {
            return false;
        }

        if (line.Items.Count == 0)
        {
            if (line.InFlight == 0)
            {
                _lines.Remove(line.Domain);
            }

            return false;
        }

        if (line.InFlight >= _perDomainInFlight)
        {
            return false;
        }

        line.InTurn = true;
        _turns.Enqueue(line);
        return true;
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
