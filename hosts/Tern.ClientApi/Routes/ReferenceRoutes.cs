using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Http;
using Tern.ClientApi.Wire;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Routes;

/// <summary>
/// <c>GET /v1/references</c>: the pending references of one of the user's recipient hashes after a cursor, with long
/// poll — <c>wait</c> seconds, woken the moment the ingest files a reference for the hash (docs/CLIENT-API.md, "Poll");
/// without <c>hash</c>, those of all the user's hashes in the order of the user's event log (docs/C2S.md §7).
/// </summary>
internal static partial class ReferenceRoutes
{
    public const int DefaultLimit = 100;

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/references", PollAsync).WithName("PollReferences").WithTags("references")
            .Produces<PollResponse>(StatusCodes.Status200OK, "application/json", Http.Wire.MessagePackType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone);

    private static async Task<IResult> PollAsync(
        HttpContext http,
        ClientApiContext api,
        [FromQuery(Name = "hash")] string? hash,
        [FromQuery(Name = "after")] string? after,
        [FromQuery(Name = "limit")] string? limit,
        [FromQuery(Name = "wait")] string? wait)
    {
        var recipient = default(RecipientHash);
        if (hash is not null && !RecipientHash.TryParse(hash, out recipient))
        {
            return Problems.Field("hash", "the recipient hash is 43 characters of base64url (32 bytes); leave it out for all your hashes", 43);
        }

        if (!Fields.TryInt(limit, 1, PendingTable.MaxPollLimit, DefaultLimit, out var count))
        {
            return Problems.Field("limit", $"the limit is a whole number from 1 to {PendingTable.MaxPollLimit}", PendingTable.MaxPollLimit);
        }

        var maxWait = (int)api.Options.MaxPollWait.TotalSeconds;
        if (!Fields.TryInt(wait, 0, maxWait, 0, out var seconds))
        {
            return Problems.Field("wait", $"wait is a whole number of seconds from 0 to {maxWait}", maxWait);
        }

        if (hash is null)
        {
            return await AllAsync(http, api, after, count, seconds).ConfigureAwait(false);
        }

        if (!Fields.TryCursor(after, out var cursor))
        {
            return Problems.Field("after", "the cursor is a whole number from 0 to 18446744073709551615, as the last poll's 'next' gave it");
        }


        if (!api.Users.Owns(CurrentUser.Get(http), recipient))
        {
            return Problems.NotFound("hash", "this recipient hash is not one you registered");
        }

        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, api.Stopping);
        while (true)
        {
            // Registered before the poll, so a reference filed between the poll and the wait still wakes it.
            using var registration = api.Signals.Register(recipient);
            var page = api.Node.Pending.Poll(recipient, cursor, count);
            var remaining = deadline - DateTime.UtcNow;
            if (page.References.Count > 0 || page.HasMore || remaining <= TimeSpan.Zero)
            {
                return Http.Wire.Bulk(http.Request, ToResponse(recipient, page));
            }

            cursor = page.NextCursor;
            try
            {
                await registration.Filed.WaitAsync(remaining, cancel.Token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Waited the whole time: answer what the table holds now (usually nothing).
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

    private static PollResponse ToResponse(RecipientHash hash, PollResult page)
    {
        var response = new PollResponse
        {
            Hash = hash.ToString(),
            Next = page.NextCursor.ToString(CultureInfo.InvariantCulture),
            More = page.HasMore,
        };

        foreach (var r in page.References)
        {
            response.References.Add(Item(hash, r));
        }

        return response;
    }

    private static ReferenceItem Item(RecipientHash hash, PendingReference r) => new()
    {
        Hash = hash.ToString(),
        Capability = r.Capability.ToString(),
        SenderDomain = r.SenderDomain,
        Size = r.PayloadSize,
        PayloadHash = r.PayloadHash.ToString(),
        MimeHint = r.MimeHint,
        Expires = Http.Wire.Time(r.TransitExpiryMs),
        Received = Http.Wire.Time(r.ReceivedAtMs),
        Sequence = r.Sequence.ToString(CultureInfo.InvariantCulture),
        FetchHints = [.. r.FetchHints],
    };
}
