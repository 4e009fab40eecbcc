using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>
/// The <see cref="PullWorker"/>'s queue: one first-come line per sender domain, served in turn, so a campaign of 10 000
/// pulls from one domain does not stand in front of another domain's one message (a first-come queue made a legitimate
/// sender's pull wait for the whole campaign: perf-reports/spam-economics.md). Bounded as a whole and per domain, so no
/// domain fills it. Many writers and readers; a reader waits without a thread.
/// </summary>
internal sealed class FairPullQueue : IDisposable
{
    private readonly Dictionary<string, Queue<(RecipientHash Hash, PendingReference Reference)>> _lines = new(StringComparer.Ordinal);
    private readonly Queue<string> _turns = new();
    private readonly SemaphoreSlim _items = new(0);
    private readonly Lock _lock = new();
    private readonly int _capacity;
    private readonly int _perDomain;
    private int _count;
    private bool _completed;

    /// <summary>Creates an empty queue holding at most <paramref name="capacity"/> pulls, <paramref name="perDomain"/> of one sender domain.</summary>
    public FairPullQueue(int capacity, int perDomain)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perDomain, 1);
        _capacity = capacity;
        _perDomain = perDomain;
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
                line = new Queue<(RecipientHash, PendingReference)>();
                _lines.Add(reference.SenderDomain, line);
            }

            if (line.Count >= _perDomain)
            {
                return false;
            }

            if (line.Count == 0)
            {
                _turns.Enqueue(reference.SenderDomain);
            }

            line.Enqueue((hash, reference));
            _count++;
        }

        _items.Release();
        return true;
    }

    /// <summary>Takes the next pull: the head of the line whose turn it is. Throws <see cref="OperationCanceledException"/> when cancelled.</summary>
    public async ValueTask<(RecipientHash Hash, PendingReference Reference)?> ReadAsync(CancellationToken cancellationToken)
    {
        await _items.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (_count == 0)
            {
                // Only Complete releases without an item: every reader leaves.
                _items.Release();
                return null;
            }

            var domain = _turns.Dequeue();
            var line = _lines[domain];
            var next = line.Dequeue();
            _count--;
            if (line.Count > 0)
            {
                _turns.Enqueue(domain);
            }
            else
            {
                _lines.Remove(domain);
            }

            return next;
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

        _items.Release();
    }

    /// <inheritdoc />
    public void Dispose() => _items.Dispose();
}
