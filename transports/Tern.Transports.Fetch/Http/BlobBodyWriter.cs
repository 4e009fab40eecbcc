using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.Caching;
using Tern.Transports.Fetch.Coverage;

namespace Tern.Transports.Fetch.Http;

/// <summary>
/// Writes a blob's bytes into a response pipe for both HTTP doors and records what was handed to the connection (§9),
/// so a response cut half way still counts its first part and a resumed range can complete the coverage.
/// </summary>
internal sealed class BlobBodyWriter
{
    /// <summary>Bodies up to this size are read in one piece into the pipe's own memory and not flushed here.</summary>
    public const int SmallBody = 4096;

    private readonly TransitStore _store;
    private readonly BlobReader _reader;
    private readonly FetchCoverage _coverage;
    private readonly int _readSize;
    private readonly ILogger _logger;
    private readonly FetchRequestCounters _requests;

    public BlobBodyWriter(TransitStore store, BlobReader reader, FetchCoverage coverage, FetchRequestCounters requests, int readSize, ILogger logger)
    {
        _requests = requests;
        _store = store;
        _reader = reader;
        _coverage = coverage;
        _readSize = readSize;
        _logger = logger;
    }

    /// <summary>
    /// Writes [<paramref name="start"/>, <paramref name="end"/>) of the blob. Returns false when the body could not be
    /// written whole (the blob was reclaimed mid-response, or the connection failed): the caller must then abort the
    /// connection, since the announced Content-Length can no longer be honoured.
    /// </summary>
    /// <param name="writer">The response pipe.</param>
    /// <param name="capability">The blob's capability.</param>
    /// <param name="blob">The blob.</param>
    /// <param name="start">First byte.</param>
    /// <param name="end">End of the range, exclusive.</param>
    /// <param name="deadline">Times each flush under the minimum response data rate on Tern's own door; null on Kestrel's, which times its writes itself.</param>
    /// <param name="cancellationToken">Ends the write when the connection closes.</param>
    public async ValueTask<bool> WriteAsync(PipeWriter writer, FetchCapability capability, BlobInfo blob, long start, long end, ConnectionDeadlines.Deadline? deadline, CancellationToken cancellationToken)
    {
        var handedOver = start;
        try
        {
            if (end - start <= SmallBody)
            {
                // Small bodies: read straight into the response's own buffer; the door flushes with the next ones.
                var count = (int)(end - start);
                if (count == 0)
                {
                    return true;
                }

                var memory = writer.GetMemory(count);
                var read = await _reader.ReadAsync(capability, blob, start, memory[..count], cancellationToken).ConfigureAwait(false);
                if (read != count)
                {
                    return false;
                }

                writer.Advance(count);
                handedOver = end;
                return true;
            }

            // Large bodies: each store read lands in the pipe's own memory (one copy, page cache to pipe), then a flush
            // for backpressure.
            var position = start;
            while (position < end)
            {
                var want = (int)Math.Min(_readSize, end - position);
                var memory = writer.GetMemory(want);
                var read = await _store.ReadAsync(capability, position, memory[..Math.Min(want, memory.Length)], cancellationToken).ConfigureAwait(false);
                if (read <= 0)
                {
                    return false;
                }

                // Handed to the connection: counted, even if the flush then fails part way.
                writer.Advance(read);
                position += read;
                handedOver = position;
                var result = deadline is null
                    ? await writer.FlushAsync(cancellationToken).ConfigureAwait(false)
                    : await deadline.FlushAsync(writer, cancellationToken).ConfigureAwait(false);
                if (result.IsCanceled || result.IsCompleted)
                {
                    return position == end;
                }
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException)
        {
            FetchLogMessages.HttpWriteFailed(_logger, ex);
            return false;
        }
        finally
        {
            if (handedOver > start || (blob.Size == 0 && start == end))
            {
                _coverage.Record(capability, blob, start, handedOver);
            }

            _requests.Served(FetchDoor.Http, handedOver - start);
        }
    }
}
