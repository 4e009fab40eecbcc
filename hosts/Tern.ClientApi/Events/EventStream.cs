using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Tern.ClientApi.Http;
using Tern.ClientApi.Routes;
using Tern.Node.Surfaces;

namespace Tern.ClientApi.Events;

/// <summary>
/// <c>GET /v1/events/stream</c> (docs/C2S.md §9): the user's events as server-sent events, <c>id</c> the sequence and
/// <c>event</c> the type, from <c>Last-Event-ID</c> (or <c>?after=</c>). The stream reads the log by cursor a page at a
/// time, so what it holds per connection is one page and the transport's own bounded buffer, however far behind the
/// client is: the log is the buffer. A client more than <see cref="ClientApiOptions.MaxEventStreamLag"/> events behind
/// is sent <c>event: cut</c> with the cursor to resume from and the stream ends (it catches up with
/// <c>GET /v1/events</c>); one that stops reading for <see cref="ClientApiOptions.EventStreamWriteTimeout"/> is cut off.
/// An idle stream sends a comment line every <see cref="ClientApiOptions.EventStreamHeartbeat"/>.
/// </summary>
internal static class EventStream
{
    private const int PageSize = 256;

    public static async Task<IResult> RunAsync(HttpContext http, ClientApiContext api, [FromQuery(Name = "after")] string? after)
    {
        var user = CurrentUser.Get(http).Name;
        var lastEventId = http.Request.Headers["Last-Event-ID"];
        var field = lastEventId.Count > 0 ? "Last-Event-ID" : "after";
        if (EventRoutes.Cursor(api, user, lastEventId.Count > 0 ? lastEventId[0] : after, field, out var cursor) is { } problem)
        {
            return problem;
        }

        if (!api.Streams.TryOpen(user, api.Options.MaxEventStreamsPerUser))
        {
            http.Response.Headers.RetryAfter = "30";
            return Problems.Field("stream", $"you have {api.Options.MaxEventStreamsPerUser} event streams open already", api.Options.MaxEventStreamsPerUser, StatusCodes.Status429TooManyRequests, "rate-limited");
        }

        try
        {
            await StreamAsync(http, api, user, cursor).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client went away, or stopped reading and was cut off, or the node is stopping.
        }
        finally
        {
            api.Streams.Close(user);
        }

        return Results.Empty;
    }

    private static async Task StreamAsync(HttpContext http, ClientApiContext api, string user, ulong cursor)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, api.Stopping);
        var body = response.BodyWriter;

        // A first comment so the client sees the stream open before any event.
        body.Write(": tern events\n\n"u8);
        await FlushAsync(http, api, cancel.Token).ConfigureAwait(false);
        while (!cancel.IsCancellationRequested)
        {
            if (api.Events.Last(user) - cursor > (ulong)api.Options.MaxEventStreamLag)
            {
                var next = cursor.ToString(CultureInfo.InvariantCulture);
                body.Write(Encoding.UTF8.GetBytes($"event: cut\ndata: {{\"next\":\"{next}\",\"reason\":\"lagging\"}}\n\n"));
                await FlushAsync(http, api, cancel.Token).ConfigureAwait(false);
                return;
            }

            var page = api.Events.Read(user, cursor, PageSize);
            if (page.Events.Count == 0 && page.More)
            {
                // A compaction dropped events this stream had not sent (docs/C2S.md §11): the client lists again.
                body.Write(Encoding.UTF8.GetBytes($"event: cut\ndata: {{\"next\":\"{api.Events.Oldest(user).ToString(CultureInfo.InvariantCulture)}\",\"reason\":\"expired\"}}\n\n"));
                await FlushAsync(http, api, cancel.Token).ConfigureAwait(false);
                return;
            }

            if (page.Events.Count > 0)
            {
                for (var i = 0; i < page.Events.Count; i++)
                {
                    WriteEvent(body, page.Sequences[i], page.Events[i].Span);
                }

                cursor = page.Next;
                await FlushAsync(http, api, cancel.Token).ConfigureAwait(false);
                continue;
            }

            // WaitAsync's timer is removed when the event comes. A Task.Delay beside the wait stayed queued for its whole
            // heartbeat after each event: hundreds of timers a second firing for nothing on a busy stream.
            try
            {
                await api.Events.WaitAsync(user, cursor).WaitAsync(api.Options.EventStreamHeartbeat, cancel.Token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                body.Write(": heartbeat\n\n"u8);
                await FlushAsync(http, api, cancel.Token).ConfigureAwait(false);
            }
        }
    }

    private static void WriteEvent(IBufferWriter<byte> body, ulong sequence, ReadOnlySpan<byte> json)
    {
        body.Write("id: "u8);
        body.Write(Encoding.ASCII.GetBytes(sequence.ToString(CultureInfo.InvariantCulture)));
        body.Write("\nevent: "u8);
        body.Write(TypeOf(json));
        body.Write("\ndata: "u8);

        // The log's JSON has no raw newline (the serializer escapes them), so it is one data line.
        body.Write(json);
        body.Write("\n\n"u8);
    }

    /// <summary>The value of the event's <c>type</c> member, read without decoding the rest.</summary>
    private static ReadOnlySpan<byte> TypeOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("type"u8) && reader.Read())
            {
                return reader.ValueSpan;
            }
        }

        return "unknown"u8;
    }

    /// <summary>Flushes, cutting a client that has not taken the bytes within the write timeout.</summary>
    private static async Task FlushAsync(HttpContext http, ClientApiContext api, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(api.Options.EventStreamWriteTimeout);
        try
        {
            var flush = http.Response.BodyWriter.FlushAsync(timeout.Token);
            var waited = !flush.IsCompleted;
            await flush.ConfigureAwait(false);
            if (waited)
            {
                // A client slow to read: with inline scheduling the flush completed on the socket thread, and the next
                // page is read from the log's file.
                await ThreadPoolHop.ToPoolAsync();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            http.Abort();
            throw;
        }
    }
}
