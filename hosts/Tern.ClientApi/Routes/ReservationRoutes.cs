using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Http;
using Tern.ClientApi.Reservations;
using Tern.ClientApi.Wire;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.ClientApi.Routes;

/// <summary>
/// Two-phase submission (docs/C2S.md §6): reserve a message id, upload the blob as a resumable stream, then send it to
/// its recipients. The id is known before the first byte, so the sender's envelopes (docs/PROTOCOL.md §15.1) can carry
/// it and a reference message can name a transfer still uploading.
/// </summary>
internal static partial class ReservationRoutes
{
    public const string UploadOffsetHeader = "Upload-Offset";
    public const string UploadLengthHeader = "Upload-Length";

    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/reservations", CreateAsync).WithName("Reserve").WithTags("messages")
            .Produces<ReservationCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapPut("/reservations/{messageId}/blob", UploadAsync).WithName("UploadBlob").WithTags("messages")
            .Accepts<Stream>("application/octet-stream").Produces<UploadState>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapMethods("/reservations/{messageId}/blob", [HttpMethods.Head], UploadedLength).WithName("UploadedLength").WithTags("messages")
            .Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/reservations/{messageId}/send", SendAsync).WithName("SendReserved").WithTags("messages")
            .Produces<SubmitResponse>(StatusCodes.Status201Created).Produces<SubmitResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status507InsufficientStorage);
        group.MapDelete("/reservations/{messageId}", Abandon).WithName("AbandonReservation").WithTags("messages")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ClientApiContext api)
    {
        var (document, refused) = await JsonBody.ReadObjectAsync(http, allowEmpty: true).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var options = api.Options;
        var now = api.NowMs;
        long expiresMs;
        using (document)
        {
            var body = document!.RootElement;
            if (JsonBody.Unknown(body, "expires") is { } unknown)
            {
                return Problems.Field(unknown, $"'{unknown}' is not a field of this request (expires)");
            }

            var bounds = new Dictionary<string, string>(StringComparer.Ordinal) { ["max"] = System.Xml.XmlConvert.ToString(options.MaxReservationLifetime) };
            if (!body.TryGetProperty("expires", out var expires))
            {
                expiresMs = now + (long)options.DefaultReservationLifetime.TotalMilliseconds;
            }
            else if (expires.ValueKind != JsonValueKind.String || !Fields.TryTime(expires.GetString()!, out var time)
                     || time.ToUnixTimeMilliseconds() <= now || time.ToUnixTimeMilliseconds() > now + (long)options.MaxReservationLifetime.TotalMilliseconds)
            {
                return Problems.Field("expires", $"the reservation's expiry is an RFC 3339 time after now and at most {bounds["max"]} ahead", bounds);
            }
            else
            {
                expiresMs = time.ToUnixTimeMilliseconds();
            }
        }

        var user = CurrentUser.Get(http);
        if (api.Reservations.Create(user.Name, expiresMs, options.MaxReservationsPerUser) is not { } reservation)
        {
            return Problems.Field("reservations", $"you hold {options.MaxReservationsPerUser} open reservations, the most allowed; send or delete one",
                options.MaxReservationsPerUser, StatusCodes.Status409Conflict, "limit");
        }

        var created = new ReservationCreated
        {
            MessageId = reservation.MessageId,
            ReservationExpires = Http.Wire.Time(reservation.ExpiresMs),
            Upload = $"/v1/reservations/{reservation.MessageId}/blob",
        };
        return JsonAnswer.Of(created, statusCode: StatusCodes.Status201Created);
    }

    private static IResult UploadedLength(HttpContext http, ClientApiContext api, string messageId)
    {
        if (Find(http, api, messageId, out var id, out var reservation) is { } problem)
        {
            return problem;
        }

        var received = reservation!.Sent ? 0 : new FileInfo(api.Reservations.PartPath(id)).Length;
        http.Response.Headers[UploadOffsetHeader] = received.ToString(CultureInfo.InvariantCulture);
        if (reservation.Total is { } total)
        {
            http.Response.Headers[UploadLengthHeader] = total.ToString(CultureInfo.InvariantCulture);
        }

        http.Response.Headers.CacheControl = "no-store";
        return Results.Ok();
    }

    private static IResult Abandon(HttpContext http, ClientApiContext api, string messageId)
    {
        if (Find(http, api, messageId, out var id, out var reservation) is { } problem)
        {
            return problem;
        }

        if (reservation!.Sent)
        {
            return Problems.Conflict("messageId", "this message was sent; retract it with DELETE /v1/messages/{messageId}");
        }

        if (!reservation.Busy.Wait(0))
        {
            return Problems.Conflict("messageId", "an upload or send of this reservation is in progress");
        }

        api.Reservations.Remove(id);
        return Results.NoContent();
    }

    /// <summary>The caller's reservation named by <paramref name="text"/>, or the problem; another user's answers as absent (docs/C2S.md §2.6).</summary>
    private static IResult? Find(HttpContext http, ClientApiContext api, string text, out MessageId id, out Reservation? reservation)
    {
        reservation = null;
        if (!MessageId.TryParse(text, out id))
        {
            return Problems.Field("messageId", "a message id is 43 characters of base64url (32 bytes)", Bytes32.TextLength);
        }

        reservation = api.Reservations.Find(CurrentUser.Get(http).Name, id);
        return reservation is null ? Problems.NotFound("messageId", "no reservation of yours has this id (or it lapsed unused)") : null;
    }

    private static SubmitResponse Response(MessageInfo message)
    {
        var response = new SubmitResponse
        {
            MessageId = message.MessageId.ToString(),
            Size = message.Size,
            PayloadHash = message.PayloadHash.ToString(),
            Expires = Http.Wire.Time(message.TransitExpiry.ToUnixTimeMilliseconds()),
        };

        foreach (var delivery in message.Deliveries)
        {
            response.Deliveries.Add(new DeliveryCreated { DeliveryId = Submissions.DeliveryIds.Of(delivery.Capability), To = $"{delivery.RecipientHash}@{delivery.DestinationDomain}" });
        }

        return response;
    }
}
