using System.Buffers.Binary;
using FASTER.core;
using Microsoft.Win32.SafeHandles;

namespace Tern.Engine.Storage;

/// <summary>
/// Reads committed chunk records of one bucket log straight from its segment files (<c>blobs.log.&lt;n&gt;</c>) through
/// the page cache, instead of through FasterLog's read path: every FasterLog read of a large blob goes through the
/// device into a pooled buffer and is copied once more from there. A record at logical address <c>a</c>
/// lives in segment <c>a &gt;&gt; SegmentSizeBits</c> at offset <c>a &amp; (segment size − 1)</c>, behind FasterLog's
/// entry header: 4 bytes of length, or with per-entry checksums (a fast-commit log) 8 of checksum then the length. The length is checked against the length the index expects, and
/// anything not yet committed, a missing segment or a mismatch makes the caller fall back to FasterLog.
/// </summary>
internal sealed class SegmentFiles : IDisposable
{
    private readonly string _prefix;
    private readonly int _segmentBits;
    private readonly int _headerSize;
    private readonly Dictionary<long, SafeFileHandle> _handles = [];
    private bool _disposed;

    /// <param name="logPath">File name prefix of the log's segments.</param>
    /// <param name="segmentBits">The log's segment size, as a power of two.</param>
    /// <param name="headerSize">The log's entry header (<c>FasterLog.HeaderSize</c>): 4, or 12 with checksums.</param>
    public SegmentFiles(string logPath, int segmentBits, int headerSize)
    {
        _headerSize = headerSize;
        _prefix = logPath + ".";
        _segmentBits = segmentBits;
    }

    /// <summary>
    /// Copies <paramref name="destination"/>.Length bytes of the record at <paramref name="address"/>, starting
    /// <paramref name="within"/> bytes into its payload of <paramref name="recordLength"/> bytes. False when the record
    /// cannot be read this way (the caller then reads it through FasterLog).
    /// </summary>
    public async ValueTask<bool> TryReadAsync(FasterLog log, long address, int recordLength, int within, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var recordEnd = address + _headerSize + recordLength;
        if (recordEnd > log.CommittedUntilAddress || within + destination.Length > recordLength || address >> _segmentBits != (recordEnd - 1) >> _segmentBits)
        {
            return false;
        }

        var handle = GetHandle(address >> _segmentBits);
        if (handle is null)
        {
            return false;
        }

        var fileOffset = address & ((1L << _segmentBits) - 1);
        var header = new byte[_headerSize];

        // A chunk just written is in the page cache: read there on this thread, without the pool's hop.
        if (within == 0 && PageCacheRead.TryRead(handle, header, destination.Span, fileOffset))
        {
            return BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(_headerSize - 4)) == recordLength;
        }

        int read;
        if (within == 0)
        {
            read = (int)await RandomAccess.ReadAsync(handle, [header, destination], fileOffset, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            read = await RandomAccess.ReadAsync(handle, header, fileOffset, cancellationToken).ConfigureAwait(false);
            read += await RandomAccess.ReadAsync(handle, destination, fileOffset + _headerSize + within, cancellationToken).ConfigureAwait(false);
        }

        return read == _headerSize + destination.Length && BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(_headerSize - 4)) == recordLength;
    }

    public void Dispose()
    {
        lock (_handles)
        {
            _disposed = true;
            foreach (var handle in _handles.Values)
            {
                handle.Dispose();
            }

            _handles.Clear();
        }
    }

    private SafeFileHandle? GetHandle(long segment)
    {
        lock (_handles)
        {
            if (_disposed)
            {
                return null;
            }

            if (_handles.TryGetValue(segment, out var handle))
            {
                return handle;
            }

            try
            {
                handle = File.OpenHandle(_prefix + segment.ToString(System.Globalization.CultureInfo.InvariantCulture), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }

            _handles.Add(segment, handle);
            return handle;
        }
    }
}
