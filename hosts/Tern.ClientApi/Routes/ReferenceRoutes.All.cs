using System.Globalization;
using Microsoft.AspNetCore.Http;
using Tern.ClientApi.Events;
using Tern.ClientApi.Http;
using Tern.ClientApi.Users;
using Tern.ClientApi.Wire;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Routes;

internal static partial class ReferenceRoutes
{
    /// <summary>Most events of the user's log one request reads: the bound on a listing's work whatever the log holds.</summary>
    public const int MaxEventScan = 4096;

    private const int EventPage = 256;

    /// <summary>
    /// The pending references of all the user's hashes (docs/C2S.md §7). The pending table numbers references per hash,
    /// so no one of its sequences orders several hashes; the user's event log does: each reference filed under one of
    /// the user's hashes is a <c>received</c> event there, in the order it arrived. So the cursor is the log's sequence,
    /// a reference is listed when its event is and it is still pending under a hash the user holds, the wait is the log's
    /// (woken by anything appended for the user, a reference under any of their hashes among it), and a request reads
    /// at most <see cref="MaxEventScan"/> events.
    /// </summary>
    private static async Task<IResult> AllAsync(HttpContext http, ClientApiContext api, string? after, int count, int seconds)
    {
        var user = CurrentUser.Get(http);

        // Without a cursor, from the oldest event kept: a new device lists everything still pending.
        ulong cursor;
        if (after is null)
        {
            cursor = api.Events.Oldest(user.Name);
        }
        else if (EventRoutes.Cursor(api, user.Name, after, "after", out cursor) is { } problem)
        {
            return problem;
        }

        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, api.Stopping);
        while (true)
        {
            var page = Scan(api, user, cursor, count);
            var remaining = deadline - DateTime.UtcNow;
            if (page.References.Count > 0 || page.More || remaining <= TimeSpan.Zero)
            {
                return Http.Wire.Bulk(http.Request, page);
            }

            cursor = ulong.Parse(page.Next, CultureInfo.InvariantCulture);
            try
            {
                // Asked after the scan: an event committed since answers at once.
                await api.Events.WaitAsync(user.Name, cursor).WaitAsync(remaining, cancel.Token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Waited the whole time: answer what the log holds now (usually nothing).
            }
            catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
            {
                // The node is stopping: answer what there is now.
                deadline = DateTime.UtcNow;
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }
        }
    }

    /// <summary>One page: the references of the <c>received</c> events after <paramref name="cursor"/> still pending under the user's hashes, at most <paramref name="count"/>.</summary>
    private static PollResponse Scan(ClientApiContext api, ClientUser user, ulong cursor, int count)
    {
        var response = new PollResponse();
        HashSet<FetchCapability>? listed = null;
        var next = cursor;
        var more = false;
        var scanned = 0;
        var full = false;
        while (!full && scanned < MaxEventScan)
        {
            var events = api.Events.Read(user.Name, next, Math.Min(EventPage, MaxEventScan - scanned));
            more = events.More;
            if (events.Events.Count == 0)
            {
                // Nothing committed after the cursor, or a compaction overtook it (more: the next request is refused 410).
                break;
            }

            for (var i = 0; i < events.Events.Count && !full; i++)
            {
                next = events.Sequences[i];
                scanned++;

                // A capability is told once, but a crash may file (and tell) it again: listed once per page.
                if (ReceivedEvents.TryCapability(events.Events[i].Span, out var capability)
                    && api.Node.Pending.Find(capability, out var hash) is { } reference
                    && api.Users.Owns(user, hash)
                    && (listed ??= []).Add(capability))
                {
                    response.References.Add(Item(hash, reference));
                    full = response.References.Count == count;
                    more |= full && i + 1 < events.Events.Count;
                }
            }

            if (!more)
            {
                break;
            }
        }

        response.Next = next.ToString(CultureInfo.InvariantCulture);
        response.More = more;
        return response;
    }
}
