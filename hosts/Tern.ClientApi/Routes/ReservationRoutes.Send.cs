using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tern.ClientApi.Http;
using Tern.Engine.Transit;

namespace Tern.ClientApi.Routes;

internal static partial class ReservationRoutes
{
    /// <summary>
    /// Hands the uploaded blob to the transit store under the reserved id and notifies its recipients (docs/C2S.md §6).
    /// A replay of the send (same recipients) answers 200 with what the first one created, never a second message;
    /// per-recipient status is then <c>GET /v1/messages/{messageId}</c>.
    /// </summary>
    private static async Task<IResult> SendAsync(HttpContext http, ClientApiContext api, string messageId)
    {
        if (Find(http, api, messageId, out var id, out var reservation) is { } problem)
        {
            return problem;
        }

        var (document, refused) = await JsonBody.ReadObjectAsync(http, allowEmpty: false).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        string[] to;
        string? expires, mime;
        using (document)
        {
            var body = document!.RootElement;
            if (JsonBody.Unknown(body, "to", "expires", "mimeHint") is { } unknown)
            {
                return Problems.Field(unknown, $"'{unknown}' is not a field of this request (to, expires, mimeHint)");
            }

            if (!body.TryGetProperty("to", out var list) || list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                return Problems.Field("to", "'to' is an array of recipients, each \"<hash>@<domain>\"", api.Options.MaxRecipients);
            }

            to = [.. list.EnumerateArray().Select(e => e.GetString()!)];
            expires = Text(body, "expires");
            mime = Text(body, "mimeHint");
            if ((body.TryGetProperty("expires", out var e1) && e1.ValueKind != JsonValueKind.String)
                || (body.TryGetProperty("mimeHint", out var e2) && e2.ValueKind != JsonValueKind.String))
            {
                return Problems.Field(expires is null ? "expires" : "mimeHint", "'expires' and 'mimeHint' are strings");
            }
        }

        if (SubmitRoute.Validate(api, http.Request, to, expires, mime, null, out var recipients, out var expiry) is { } invalid)
        {
            return invalid;
        }

        var user = CurrentUser.Get(http);
        if (!reservation!.Busy.Wait(0))
        {
            return Problems.Conflict("messageId", "an upload or send of this reservation is in progress; retry after it ends");
        }

        try
        {
            // Sent already (or sent just before a crash recorded it): answer with that message, never store a second.
            if (api.Node.Store.GetMessage(id, user.Name) is { } earlier)
            {
                if (!reservation.Sent)
                {
                    api.Reservations.MarkSent(reservation, id, earlier.TransitExpiry.ToUnixTimeMilliseconds());
                }

                if (!SameRecipients(earlier, recipients))
                {
                    return Problems.Conflict("to", "this message was sent to other recipients; a reservation is sent once");
                }

                http.Response.Headers["Idempotency-Replayed"] = "true";
                return JsonAnswer.Of(Response(earlier));
            }

            if (reservation.Sent)
            {
                return Problems.NotFound("messageId", "this message was sent and has left the transit store (fetched, retracted or expired)");
            }

            var path = api.Reservations.PartPath(id);
            var length = new FileInfo(path).Length;
            if (reservation.Total is { } total && total != length)
            {
                return Problems.Field("blob", $"the node holds {length} of the {total} bytes declared; finish the upload first", total, StatusCodes.Status409Conflict, "upload-incomplete");
            }

            var request = new SubmissionRequest
            {
                Account = user.Name,
                Recipients = recipients,
                TransitExpiry = expiry,
                MimeHint = string.IsNullOrEmpty(mime) ? null : mime,
                DeclaredSize = length,
                MessageId = id,
            };

            SubmissionResult submission;
            var blob = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (blob.ConfigureAwait(false))
            {
                try
                {
                    submission = await api.Node.Store.SubmitAsync(request, blob, http.RequestAborted).ConfigureAwait(false);
                }
                catch (TransitQuotaException e)
                {
                    return Problems.Field("blob", e.Message, status: StatusCodes.Status507InsufficientStorage, kind: "quota");
                }
            }

            api.Reservations.MarkSent(reservation, id, submission.TransitExpiry.ToUnixTimeMilliseconds());
            api.Node.Scheduler.Schedule(submission);
            var message = api.Node.Store.GetMessage(id, user.Name);
            return JsonAnswer.Of(Response(message!), statusCode: StatusCodes.Status201Created);
        }
        finally
        {
            reservation.Busy.Release();
        }
    }

    private static bool SameRecipients(MessageInfo message, List<TransitRecipient> recipients)
    {
        if (message.Deliveries.Count != recipients.Count)
        {
            return false;
        }

        foreach (var delivery in message.Deliveries)
        {
            if (!recipients.Contains(new TransitRecipient(delivery.DestinationDomain, delivery.RecipientHash)))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
