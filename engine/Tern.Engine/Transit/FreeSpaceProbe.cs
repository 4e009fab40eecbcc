using System.Diagnostics;
using Tern.Engine.Storage;

namespace Tern.Engine.Transit;

/// <summary>
/// The transit store's view of its volume's free space for <see cref="TransitStoreOptions.MinFreeBytes"/>: asked of the
/// file system at most every <see cref="Refresh"/> (a <c>statvfs</c> per submission would sit under the index lock), and
/// less what was reserved since, so a burst between two looks cannot run past the mark.
/// </summary>
internal sealed class FreeSpaceProbe
{
    /// <summary>How long one answer of the file system is used.</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(200);

    private readonly IDiskSpace _disk;
    private readonly string _directory;
    private long _available;
    private long _askedAt = long.MinValue;
    private long _reservedSince;

    public FreeSpaceProbe(IDiskSpace disk, string directory)
    {
        _disk = disk;
        _directory = directory;
    }

    /// <summary>The bytes available now, as far as the store can tell; called under the store's index lock.</summary>
    public long Available()
    {
        // Real time, whatever clock the store runs on: the refresh bounds the cost of asking, not a protocol time.
        var now = Stopwatch.GetTimestamp();
        if (_askedAt == long.MinValue || Stopwatch.GetElapsedTime(_askedAt, now) >= Refresh)
        {
            _available = _disk.AvailableBytes(_directory);
            _askedAt = now;
            _reservedSince = 0;
        }

        return _available - _reservedSince;
    }

    /// <summary>Counts <paramref name="bytes"/> just reserved against the last answer until the next look.</summary>
    public void Reserved(long bytes) => _reservedSince += bytes;
}
