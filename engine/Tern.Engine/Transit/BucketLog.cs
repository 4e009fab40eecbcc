using FASTER.core;
using Tern.Engine.Storage;

namespace Tern.Engine.Transit;

/// <summary>
/// The FasterLog of one expiry bucket (docs/ARCHITECTURE.md §3.2–§3.3) and the bookkeeping that lets its head be
/// truncated: the start addresses of live blobs and of submissions still streaming in, in address order.
/// </summary>
internal sealed class BucketLog : IDisposable
{
    private readonly object _gate = new();

    // Start address → count. Live blobs and in-flight reservations both pin the head of the log.
    private readonly SortedDictionary<long, int> _pins = [];
    private readonly IDevice? _device;
    private readonly SlotCommitManager? _commits;
    private int _reservations;
    private int _readers;
    private bool _closing;
    private long _truncatedTo;

    private BucketLog(BucketWindow window, string directory, IDevice? device, SlotCommitManager? commits, FasterLog? log, int segmentBits)
    {
        _commits = commits;
        Window = window;
        Directory = directory;
        _device = device;
        Log = log;
        Segments = new SegmentFiles(Path.Combine(directory, "blobs.log"), segmentBits, log?.HeaderSize ?? 4);
    }

    public BucketWindow Window { get; }

    public string Directory { get; }

    /// <summary>Null for a bucket whose files are gone (found only in the journal after its window passed).</summary>
    public FasterLog? Log { get; }

    /// <summary>Direct reads of committed records from the segment files, through the page cache.</summary>
    public SegmentFiles Segments { get; }

    /// <summary>Blobs indexed in this bucket (guarded by the store's index lock), for the expiry sweep.</summary>
    public List<BlobEntry> Blobs { get; } = [];

    public static BucketLog Open(BucketWindow window, string directory, TransitStoreOptions options, Action<Exception> commitFailed)
    {
        System.IO.Directory.CreateDirectory(directory);
        var (device, commits, fastCommit) = LogDeviceFactory.Open(Path.Combine(directory, "blobs.log"), Path.Combine(directory, "commits"), options.BlobLogWrites, TransitLogWrites.Direct, options.FastCommitMetadataInterval, options.BlobLogWriteback, commitFailed);
        try
        {
            var log = new FasterLog(LogDeviceFactory.Settings(device, commits, fastCommit, options.BlobPageSizeBits, options.BlobMemorySizeBits, options.BlobSegmentSizeBits));
            try
            {
                LogDeviceFactory.Recovered(device, log);
            }
            catch
            {
                log.Dispose();
                throw;
            }

            return new BucketLog(window, directory, device, commits, log, options.BlobSegmentSizeBits);
        }
        catch
        {
            commits.Dispose();
            device.Dispose();
            throw;
        }
    }

    public static BucketLog Missing(BucketWindow window, string directory) => new(window, directory, null, null, null, 30);

    public bool HasReservations
    {
        get
        {
            lock (_gate)
            {
                return _reservations > 0;
            }
        }
    }

    /// <summary>Pins the current tail for a submission about to write; every chunk it writes lands at or after it.</summary>
    public long Reserve()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing || Log is null, this);
            var tail = Log.TailAddress;
            Pin(tail);
            _reservations++;
            return tail;
        }
    }

    /// <summary>Ends a reservation; with <paramref name="liveStart"/> ≥ 0 the blob it wrote stays pinned as live.</summary>
    public void EndReservation(long reservation, long liveStart)
    {
        lock (_gate)
        {
            if (liveStart >= 0)
            {
                Pin(liveStart);
            }

            Unpin(reservation);
            _reservations--;
        }
    }

    public void AddLive(long start)
    {
        lock (_gate)
        {
            Pin(start);
        }
    }

    public void RemoveLive(long start)
    {
        lock (_gate)
        {
            Unpin(start);
        }
    }

    /// <summary>Truncates the log up to its first pinned address (or its tail); true when the head moved.</summary>
    public bool TruncateToFirstLive()
    {
        lock (_gate)
        {
            if (Log is null || _closing)
            {
                return false;
            }

            long until = Log.TailAddress;
            foreach (var first in _pins.Keys)
            {
                until = first;
                break;
            }

            if (until <= _truncatedTo || until <= Log.BeginAddress)
            {
                return false;
            }

            Log.TruncateUntil(until);
            _truncatedTo = until;
            return true;
        }
    }

    /// <summary>Counts a reader in; false once the bucket is closing (its blobs then read as not found).</summary>
    public bool TryEnterRead()
    {
        lock (_gate)
        {
            if (_closing || Log is null)
            {
                return false;
            }

            _readers++;
            return true;
        }
    }

    public void ExitRead()
    {
        lock (_gate)
        {
            _readers--;
        }
    }

    /// <summary>Stops new readers and waits for the current ones, then disposes; the caller deletes the directory.</summary>
    public async Task CloseAsync()
    {
        lock (_gate)
        {
            _closing = true;
        }

        while (true)
        {
            lock (_gate)
            {
                if (_readers == 0)
                {
                    break;
                }
            }

            await Task.Delay(1).ConfigureAwait(false);
        }

        Dispose();
    }

    public void Dispose()
    {
        Segments.Dispose();
        Log?.Dispose();
        _commits?.Dispose();
        _device?.Dispose();
    }

    private void Pin(long address) => _pins[address] = _pins.TryGetValue(address, out var n) ? n + 1 : 1;

    private void Unpin(long address)
    {
        if (_pins.TryGetValue(address, out var n))
        {
            if (n <= 1)
            {
                _pins.Remove(address);
            }
            else
            {
                _pins[address] = n - 1;
            }
        }
    }
}
