using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Http;
using Tern.ClientApi.Submissions;
using Tern.ClientApi.Wire;
using Tern.Engine.Custody;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.ClientApi.Routes;

/// <summary>
/// The sender's routes on a submitted message: list, status, retract (docs/CLIENT-API.md, "Messages"). The transit store
/// answers them: it records the submitting account (the user's name) with every message.
/// </summary>
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
        var list = new MessageList();
        var now = api.NowMs;
        foreach (var message in api.Node.Store.ListMessages(CurrentUser.Get(http).Name))
        {
            list.Messages.Add(ToStatus(message, now, api.Node.Custody));
        }

        return Http.Wire.Bulk(http.Request, list);
    }

    private static IResult Status(HttpContext http, ClientApiContext api, string messageId) =>
        Find(http, api, messageId, out var message) is { } problem ? problem : JsonAnswer.Of(ToStatus(message!, api.NowMs, api.Node.Custody));

    private static async Task<IResult> RetractAsync(HttpContext http, ClientApiContext api, string messageId)
    {
        if (Find(http, api, messageId, out var message) is { } problem)
        {
            return problem;
        }

        var result = await api.Node.Store.RetractAsync(message!.MessageId, message.Account).ConfigureAwait(false);
        api.Node.Scheduler.ScheduleRetraction(result);
        return JsonAnswer.Of(new RetractResponse
        {
            MessageId = message.MessageId.ToString(),
            Retracted = [.. result.Retracted.Select(d => DeliveryIds.Of(d.Capability))],
            AlreadyFetched = [.. result.AlreadyFetched.Select(d => DeliveryIds.Of(d.Capability))],
        });
    }

    /// <summary>The user's message named by <paramref name="text"/>, or the problem to answer.</summary>
    private static IResult? Find(HttpContext http, ClientApiContext api, string text, out MessageInfo? message)
    {
        message = null;
        if (!MessageId.TryParse(text, out var id))
        {
            return Problems.Field("messageId", "a message id is 43 characters of base64url (32 bytes)", 43);
        }

        message = api.Node.Store.GetMessage(id, CurrentUser.Get(http).Name);
        return message is null ? Problems.NotFound("messageId", "no message of yours has this id (or it expired)") : null;
    }

    private static MessageStatus ToStatus(MessageInfo message, long nowMs, CustodySender? custody)
    {
        var status = new MessageStatus
        {
            MessageId = message.MessageId.ToString(),
            Size = message.Size,
            PayloadHash = message.PayloadHash.ToString(),
            Submitted = Http.Wire.Time(message.Submitted.ToUnixTimeMilliseconds()),
            Expires = Http.Wire.Time(message.TransitExpiry.ToUnixTimeMilliseconds()),
            MimeHint = message.MimeHint,
        };

        var expired = message.TransitExpiry.ToUnixTimeMilliseconds() <= nowMs;
        foreach (var delivery in message.Deliveries)
        {
            // A pending delivery past the expiry is expired, whether or not the sweep has recorded it yet.
            var state = delivery.State == DeliveryState.Outstanding && expired ? DeliveryState.Expired : delivery.State;
            status.Deliveries.Add(new DeliveryStatusItem
            {
                DeliveryId = DeliveryIds.Of(delivery.Capability),
                To = $"{delivery.RecipientHash}@{delivery.DestinationDomain}",
                State = StateName(state),
                NotificationsSent = delivery.Attempt,
                Fetched = state == DeliveryState.Fetched,
                Custody = state == DeliveryState.Outstanding ? Custody(custody?.OfferStatus(message.MessageId, delivery.DestinationDomain)) : null,
            });
        }

        return status;
    }

    private static CustodyStatusItem? Custody(CustodyOfferStatus? offer) => offer is not { } status ? null : new CustodyStatusItem
    {
        Gateway = status.Gateway,
        Answer = status.Answer switch
        {
            CustodyOfferAnswer.InProgress => "in_progress",
            CustodyOfferAnswer.Declined => "declined",
            _ => "none",
        },
        Reason = status.Reason is { } reason ? JsonNamingPolicy.SnakeCaseLower.ConvertName(reason.ToString()) : null,
        Detail = status.Detail,
        Offers = status.Offers,
    };

    private static string StateName(DeliveryState state) => state switch
    {
        DeliveryState.Outstanding => "pending",
        DeliveryState.Fetched => "fetched",
        DeliveryState.Retracted => "retracted",
        DeliveryState.Expired => "expired",
        DeliveryState.Transferred => "transferred",
        _ => "unknown",
    };
}
