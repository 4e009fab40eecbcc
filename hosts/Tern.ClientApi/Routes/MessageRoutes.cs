using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Http;
using Tern.ClientApi.Submissions;
using Tern.ClientApi.Wire;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.ClientApi.Routes;

/// <summary>The sender's routes on a submitted message: list, status, retract (docs/CLIENT-API.md, "Messages").</summary>
internal static class MessageRoutes
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/messages", List).WithName("ListMessages").WithTags("messages")
            .Produces<MessageList>(StatusCodes.Status200OK, "application/json", Http.Wire.MessagePackType);
        group.MapGet("/messages/{messageId}", Status).WithName("GetMessageStatus").WithTags("messages")
            .Produces<MessageStatus>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/messages/{messageId}", RetractAsync).WithName("RetractMessage").WithTags("messages")
            .Produces<RetractResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult List(HttpContext http, ClientApiContext api)
    {
        var user = CurrentUser.Get(http);
        var list = new MessageList();
        foreach (var message in api.Submissions.List(user.Name))
        {
            list.Messages.Add(ToStatus(api, message));
        }

        return Http.Wire.Bulk(http.Request, list);
    }

    private static IResult Status(HttpContext http, ClientApiContext api, string messageId) =>
        Find(http, api, messageId, out var message) is { } problem ? problem : Results.Json(ToStatus(api, message!));

    private static async Task<IResult> RetractAsync(HttpContext http, ClientApiContext api, string messageId)
    {
        if (Find(http, api, messageId, out var message) is { } problem)
        {
            return problem;
        }

        var result = await api.Node.Store.RetractAsync(message!.MessageId, message.User).ConfigureAwait(false);
        api.Node.Scheduler.ScheduleRetraction(result);
        var ids = message.Deliveries.ToDictionary(d => d.Capability, d => d.Id);
        return Results.Json(new RetractResponse
        {
            MessageId = message.MessageId.ToString(),
            Retracted = [.. result.Retracted.Select(d => ids[d.Capability])],
            AlreadyFetched = [.. result.AlreadyFetched.Select(d => ids[d.Capability])],
        });
    }

    /// <summary>The user's message named by <paramref name="text"/>, or the problem to answer.</summary>
    private static IResult? Find(HttpContext http, ClientApiContext api, string text, out SentMessage? message)
    {
        message = null;
        if (!MessageId.TryParse(text, out var id))
        {
            return Problems.Field("messageId", "a message id is 43 characters of base64url (32 bytes)", 43);
        }

        message = api.Submissions.Find(CurrentUser.Get(http).Name, id);
        return message is null ? Problems.NotFound("messageId", "no message of yours has this id (or it expired)") : null;
    }

    private static MessageStatus ToStatus(ClientApiContext api, SentMessage message)
    {
        var status = new MessageStatus
        {
            MessageId = message.MessageId.ToString(),
            Size = message.Size,
            PayloadHash = message.PayloadHash.ToString(),
            Submitted = Http.Wire.Time(message.SubmittedMs),
            Expires = Http.Wire.Time(message.ExpiresMs),
            MimeHint = message.MimeHint,
        };

        foreach (var delivery in message.Deliveries)
        {
            // A delivery the store no longer holds was swept after its expiry.
            var info = api.Node.Store.GetDelivery(delivery.Capability);
            var state = info?.State ?? DeliveryState.Expired;
            status.Deliveries.Add(new DeliveryStatusItem
            {
                DeliveryId = delivery.Id,
                To = $"{delivery.Hash}@{delivery.Domain}",
                State = StateName(state),
                NotificationsSent = info?.Attempt ?? 0,
                Fetched = state == DeliveryState.Fetched,
            });
        }

        return status;
    }

    private static string StateName(DeliveryState state) => state switch
    {
        DeliveryState.Pending => "pending",
        DeliveryState.Fetched => "fetched",
        DeliveryState.Retracted => "retracted",
        DeliveryState.Expired => "expired",
        DeliveryState.Transferred => "transferred",
        _ => "unknown",
    };
}
