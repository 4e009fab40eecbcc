using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Tern.ClientApi.Http;
using Tern.ClientApi.Wire;

namespace Tern.ClientApi.Routes;

internal static partial class ReservationRoutes
{
    /// <summary>
    /// Receives the blob, or a part of it (docs/C2S.md §6). Without <c>Content-Range</c> the body is the whole blob and
    /// replaces what was received. With <c>Content-Range: bytes a-b/total</c> (or <c>/*</c>) it continues the upload: bytes
    /// before what the node holds are skipped (a replayed or overlapping part never duplicates), a start past it is a gap
    /// (409, nothing written). Bytes are kept as they arrive, so a cut upload resumes from <c>Upload-Offset</c>.
    /// </summary>
    private static async Task<IResult> UploadAsync(HttpContext http, ClientApiContext api, string messageId)
    {
        if (Find(http, api, messageId, out var id, out var reservation) is { } problem)
        {
            return problem;
        }

        if (reservation!.Sent)
        {
            return Problems.Conflict("messageId", "this message was sent; its blob can no longer change");
        }

        if (!reservation.Busy.Wait(0))
        {
            return Problems.Conflict("messageId", "another upload or the send of this reservation is in progress; retry after it ends (HEAD says how much arrived)");
        }

        try
        {
            var limit = api.Options.MaxMessageBytes;
            var path = api.Reservations.PartPath(id);
            var stored = new FileInfo(path).Length;
            var request = http.Request;
            long start = 0, end = -1;
            long? total = null;
            var ranged = request.Headers.ContentRange.Count > 0;
            if (ranged && !TryContentRange(request.Headers.ContentRange.ToString(), out start, out end, out total))
            {
                return Problems.Field("Content-Range", "Content-Range is bytes <first>-<last>/<total> or bytes <first>-<last>/* (RFC 9110 §14.4), first ≤ last < total");
            }

            var length = ranged ? end - start + 1 : request.ContentLength;
            if (ranged && request.ContentLength is { } declared && declared != length)
            {
                return Problems.Field("Content-Length", $"the body is {declared} bytes but Content-Range names {length}");
            }

            if (!ranged && request.ContentLength is { } whole)
            {
                total = whole;
            }

            if ((total ?? (ranged ? end + 1 : 0)) > limit)
            {
                return Problems.Field("Content-Range", $"the blob is at most {limit} bytes", limit, StatusCodes.Status413PayloadTooLarge, "too-large");
            }

            if (ranged && total is { } t && reservation.Total is { } earlier && t != earlier)
            {
                return Problems.Field("Content-Range", $"an earlier part declared the blob {earlier} bytes long, this one {t}", status: StatusCodes.Status409Conflict, kind: "conflict");
            }

            if (ranged && start > stored)
            {
                http.Response.Headers[UploadOffsetHeader] = stored.ToString(CultureInfo.InvariantCulture);
                return Problems.Field("Content-Range", $"the node holds {stored} bytes; a part starting at {start} would leave a gap. Resume at {stored}", stored,
                    StatusCodes.Status409Conflict, "upload-gap");
            }

            if (total is not null && (reservation.Total is null || !ranged))
            {
                // A whole-body upload replaces the blob, and with it the length an earlier upload declared.
                reservation.Total = total;
                api.Reservations.Save(reservation);
            }

            var received = await ReceiveAsync(http, path, ranged ? start : 0, ranged ? stored : 0, length, limit).ConfigureAwait(false);
            if (received < 0)
            {
                return Problems.Field("body", $"the blob is at most {limit} bytes", limit, StatusCodes.Status413PayloadTooLarge, "too-large");
            }

            if (!ranged && total is null && !http.RequestAborted.IsCancellationRequested && reservation.Total != received)
            {
                // A whole-body upload of unknown length declares its length by ending.
                reservation.Total = received;
                api.Reservations.Save(reservation);
            }

            http.Response.Headers[UploadOffsetHeader] = received.ToString(CultureInfo.InvariantCulture);
            return JsonAnswer.Of(new UploadState
            {
                MessageId = reservation.MessageId,
                Received = received,
                Total = reservation.Total,
                Complete = reservation.Total == received,
            });
        }
        finally
        {
            reservation.Busy.Release();
        }
    }

    /// <summary>
    /// Appends the body to the upload file: the first <paramref name="stored"/> − <paramref name="start"/> bytes are
    /// already there and are read past. Returns the file's length after (−1 when it would pass <paramref name="limit"/>).
    /// A whole-body upload (<paramref name="stored"/> 0) truncates first.
    /// </summary>
    private static async Task<long> ReceiveAsync(HttpContext http, string path, long start, long stored, long? length, long limit)
    {
        var skip = stored - start;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read, 1, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            if (stored == 0)
            {
                file.SetLength(0);
            }

            file.Seek(stored, SeekOrigin.Begin);
            var body = http.Request.Body;
            long taken = 0;
            try
            {
                while (length is null || taken < length)
                {
                    var want = length is { } l ? (int)Math.Min(buffer.Length, l - taken) : buffer.Length;
                    var read = await body.ReadAsync(buffer.AsMemory(0, want), http.RequestAborted).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    taken += read;
                    var from = (int)Math.Clamp(skip, 0, read);
                    skip -= from;
                    if (read > from)
                    {
                        if (file.Position + (read - from) > limit)
                        {
                            return -1;
                        }

                        await file.WriteAsync(buffer.AsMemory(from, read - from), http.RequestAborted).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or Microsoft.AspNetCore.Connections.ConnectionResetException)
            {
                // The client went away mid-part: what arrived is kept (flushed below), and it resumes from Upload-Offset.
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                file.Flush(flushToDisk: true);
            }

            return file.Length;
        }
    }

    private static bool TryContentRange(string text, out long first, out long last, out long? total)
    {
        first = last = 0;
        total = null;
        if (!text.StartsWith("bytes ", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = text.AsSpan(6);
        var dash = rest.IndexOf('-');
        var slash = rest.IndexOf('/');
        if (dash <= 0 || slash <= dash + 1
            || !long.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out first)
            || !long.TryParse(rest[(dash + 1)..slash], NumberStyles.None, CultureInfo.InvariantCulture, out last) || last < first)
        {
            return false;
        }

        var size = rest[(slash + 1)..];
        if (size is "*")
        {
            return true;
        }

        if (!long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var t) || last >= t)
        {
            return false;
        }

        total = t;
        return true;
    }
}
