using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Events;
using Tern.ClientApi.Http;
using Tern.ClientApi.Wire;

namespace Tern.ClientApi.Routes;

/// <summary>
/// The user's event log (docs/C2S.md §15): <c>GET /v1/events</c> pages it after a cursor and long-polls up to
/// <c>wait</c> seconds; <c>GET /v1/events/stream</c> pushes it as server-sent events (§9, <see cref="EventStream"/>).
/// </summary>
internal static class EventRoutes
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/events", PollAsync).WithName("PollEvents").WithTags("events")
            .Produces<EventList>(StatusCodes.Status200OK, "application/json", Http.Wire.MessagePackType)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status410Gone);
        group.MapGet("/events/stream", EventStream.RunAsync).WithName("StreamEvents").WithTags("events")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    /// <summary>Parses a cursor and checks it against the user's log: a cursor past its end is from another log, one before its oldest kept event was compacted away (both 410).</summary>
    public static IResult? Cursor(ClientApiContext api, string user, string? text, string field, out ulong cursor)
    {
        if (!Fields.TryCursor(text, out cursor))
        {
            return Problems.Field(field, "the cursor is a whole number from 0 to 18446744073709551615, an event's sequence");
        }

        var last = api.Events.Last(user);
        if (cursor > last)
        {
            return Problems.Field(field, $"the cursor is past the end of your event log (last {last}): list again and follow from 0 or the last sequence", last.ToString(CultureInfo.InvariantCulture), StatusCodes.Status410Gone, "cursor-expired");
        }

        // Compaction dropped the events after this cursor (docs/C2S.md §11): the client lists again and follows from the oldest kept.
        var oldest = api.Events.Oldest(user);
        return cursor < oldest
            ? Problems.Field(field, $"events after this cursor are older than the log's retention and were compacted away: list again and follow from {oldest}", oldest.ToString(CultureInfo.InvariantCulture), StatusCodes.Status410Gone, "cursor-expired")
            : null;
    }

    private static async Task<IResult> PollAsync(
        HttpContext http,
        ClientApiContext api,
        [FromQuery(Name = "after")] string? after,
        [FromQuery(Name = "limit")] string? limit,
        [FromQuery(Name = "wait")] string? wait)
    {
        var user = CurrentUser.Get(http).Name;
        if (Cursor(api, user, after, "after", out var cursor) is { } problem)
        {
            return problem;
        }

        if (!Fields.TryInt(limit, 1, MaxLimit, DefaultLimit, out var count))
        {
            return Problems.Field("limit", $"the limit is a whole number from 1 to {MaxLimit}", MaxLimit);
        }

        var maxWait = (int)api.Options.MaxPollWait.TotalSeconds;
        if (!Fields.TryInt(wait, 0, maxWait, 0, out var seconds))
        {
            return Problems.Field("wait", $"wait is a whole number of seconds from 0 to {maxWait}", maxWait);
        }

        var page = api.Events.Read(user, cursor, count);
        if (page.Events.Count == 0 && seconds > 0)
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, api.Stopping);
            try
            {
                await api.Events.WaitAsync(user, cursor).WaitAsync(TimeSpan.FromSeconds(seconds), cancel.Token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Nothing new in the whole wait: an empty page.
            }
            catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
            {
                // The node is stopping: answer what there is now.
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }

            page = api.Events.Read(user, cursor, count);
        }

        return Http.Wire.WantsMessagePack(http.Request) ? Http.Wire.Bulk(http.Request, ToList(page)) : new RawEvents(page);
    }

    private static EventList ToList(EventPage page)
    {
        var list = new EventList { Next = page.Next.ToString(CultureInfo.InvariantCulture), More = page.More };
        foreach (var json in page.Events)
        {
            list.Events.Add(JsonSerializer.Deserialize(json.Span, UserEventJson.Default.UserEvent)!);
        }

        return list;
    }

    /// <summary>The JSON answer written from the log's bytes as they are (each event's JSON is what was appended).</summary>
    private sealed class RawEvents : IResult
    {
        private readonly EventPage _page;

        public RawEvents(EventPage page) => _page = page;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.ContentType = "application/json; charset=utf-8";
            var body = response.BodyWriter;
            body.Write("{\"events\":["u8);
            for (var i = 0; i < _page.Events.Count; i++)
            {
                if (i > 0)
                {
                    body.Write(","u8);
                }

                body.Write(_page.Events[i].Span);
            }

            body.Write("],\"next\":\""u8);
            body.Write(System.Text.Encoding.ASCII.GetBytes(_page.Next.ToString(CultureInfo.InvariantCulture)));
            body.Write(_page.More ? "\",\"more\":true}"u8 : "\",\"more\":false}"u8);
            await body.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
