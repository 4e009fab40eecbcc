using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Events;
using Tern.ClientApi.Http;
using Tern.ClientApi.Wire;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Routes;

/// <summary>
/// <c>POST /v1/references/{capability}/actions</c> (docs/C2S.md §7), what the recipient does with a pending reference:
/// <c>pull</c> delegates the fetch to the server (queued for the pull worker; <c>pulled</c> follows in the event log),
/// <c>defer</c> leaves it pending, <c>ignore</c> drops it (with a tombstone, so a retransmission is not filed again; the
/// sender cannot tell, S2S §4.4) and appends <c>ignored</c>. Fetching now by the client itself needs no route: the
/// capability is the right to fetch (S2S §8).
/// </summary>
internal static class ActionRoutes
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/references/{capability}/actions", ActAsync).WithName("ActOnReference").WithTags("references")
            .Accepts<JsonElement>("application/json")
            .Produces<ActionResult>(StatusCodes.Status200OK).Produces<ActionResult>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    private static async Task<IResult> ActAsync(HttpContext http, ClientApiContext api, string capability)
    {
        if (!FetchCapability.TryParse(capability, out var cap))
        {
            return Problems.Field("capability", "the capability is 43 characters of base64url (32 bytes)", 43);
        }

        var (json, bad) = await JsonBody.ReadAsync(http.Request).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        string? action;
        using (json)
        {
            var body = json!.RootElement;
            if (JsonBody.Unknown(body, "action") is { } unknown)
            {
                return Problems.Field(unknown, $"'{unknown}' is not a member of an action (action)");
            }

            if (!JsonBody.TryString(body, "action", out action) || action is not ("pull" or "defer" or "ignore"))
            {
                return Problems.Field("action", "'action' is one of \"pull\", \"defer\", \"ignore\"");
            }
        }

        var user = CurrentUser.Get(http);
        // One point lookup whatever the number of the user's hashes; another user's reference answers as one that never was.
        if (api.Node.Pending.Find(cap, out var hash) is not { } reference || !api.Users.Owns(user, hash))
        {
            return Problems.NotFound("capability", "no pending reference of yours has this capability");
        }

        switch (action)
        {
            case "pull":
                if (!api.Node.PullQueue.TryEnqueue(cap, hash, reference.Sequence))
                {
                    return AuthRoutes.Limited(http, "the pull queue (full)", 5);
                }

                return JsonAnswer.Of(new ActionResult { Capability = capability, Action = action, State = "queued" }, statusCode: StatusCodes.Status202Accepted);
            case "ignore":
                // A tombstone for the replay window (docs/PROTOCOL.md §4.5), counted as the user's choice, apart from expiry.
                if (api.Node.Pending.Remove(cap, PendingRemoval.Ignored))
                {
                    await api.Events.AppendAsync(user.Name, UserEvents.ReferenceIgnored(capability), http.RequestAborted).ConfigureAwait(false);
                }

                return JsonAnswer.Of(new ActionResult { Capability = capability, Action = action, State = "dropped" });
            default:
                return JsonAnswer.Of(new ActionResult { Capability = capability, Action = action!, State = "pending" });
        }
    }
}
