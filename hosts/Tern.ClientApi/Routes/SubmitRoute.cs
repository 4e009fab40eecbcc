using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Http;
using Tern.ClientApi.Submissions;
using Tern.ClientApi.Wire;
using Tern.Engine.Transit;

namespace Tern.ClientApi.Routes;

/// <summary>
/// <c>POST /v1/messages</c>: the body streams into the transit store chunk by chunk (never whole in memory), the
/// recipients, expiry and MIME hint come in the query, and an <c>Idempotency-Key</c> makes a retry return the first answer
/// (docs/CLIENT-API.md, "Submit").
/// </summary>
internal static partial class SubmitRoute
{
    public const int MaxIdempotencyKeyLength = 128;
    public const int MaxMimeHintBytes = 255;

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/messages", SubmitAsync).WithName("SubmitMessage").WithTags("messages")
            .Accepts<Stream>("application/octet-stream")
            .Produces<SubmitResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage);

    private static async Task<IResult> SubmitAsync(
        HttpContext http,
        ClientApiContext api,
        [FromQuery(Name = "to")] string[]? to,
        [FromQuery(Name = "expires")] string? expires,
        [FromQuery(Name = "mime")] string? mime,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey)
    {
        var user = CurrentUser.Get(http);
        if (Validate(api, http.Request, to, expires, mime, idempotencyKey, out var recipients, out var expiry) is { } problem)
        {
            return problem;
        }

        var declared = http.Request.ContentLength;
        // What a retry with the same key must repeat; only keyed submits keep one.
        var fingerprint = idempotencyKey is null ? null : $"{string.Join(',', to!)}|{expires}|{mime}|{declared}";
        if (idempotencyKey is not null)
        {
            var (earlier, claimed) = api.Submissions.Claim(user.Name, idempotencyKey);
            if (earlier is not null)
            {
                if (earlier.Fingerprint != fingerprint)
                {
                    return Problems.Field("Idempotency-Key", "this key answered a submit with other recipients, expiry, hint or length; use a new key for a new message",
                        status: StatusCodes.Status422UnprocessableEntity, kind: "idempotency-key-reused");
                }

                http.Response.Headers["Idempotency-Replayed"] = "true";
                return Created(earlier);
            }

            if (!claimed)
            {
                return Problems.Conflict("Idempotency-Key", "a submit with this key is in progress; retry once it has completed");
            }
        }

        var completed = false;
        try
        {
            var result = await SubmitToStoreAsync(api, http, user.Name, recipients, expiry, mime, declared).ConfigureAwait(false);
            if (result.Problem is not null)
            {
                return result.Problem;
            }

            var submission = result.Submission!;
            var message = new SentMessage
            {
                User = user.Name,
                MessageId = submission.MessageId,
                Size = submission.Size,
                PayloadHash = submission.PayloadHash,
                SubmittedMs = api.NowMs,
                ExpiresMs = submission.TransitExpiry.ToUnixTimeMilliseconds(),
                MimeHint = string.IsNullOrEmpty(mime) ? null : mime,
                IdempotencyKey = idempotencyKey,
                Fingerprint = fingerprint,
                Deliveries = [.. recipients.Select((r, i) => new SentDelivery(submission.Capabilities[i], r.Domain, r.Hash))],
            };

            try
            {
                if (idempotencyKey is not null)
                {
                    await api.Submissions.AppendAsync(message).ConfigureAwait(false);
                }
            }
            catch (IOException e)
            {
                // Not told to anyone yet: withdraw it, so a message the API cannot answer for is never delivered.
                await api.Node.Store.RetractAsync(submission.MessageId, user.Name).ConfigureAwait(false);
                ClientApiLogMessages.SubmissionLogFailed(api.Logger, e);
                return Problems.Field("body", $"the node could not record the submission: {e.Message}", status: StatusCodes.Status507InsufficientStorage, kind: "storage");
            }

            completed = true;
            api.Node.Scheduler.Schedule(submission);
            return Created(message);
        }
        finally
        {
            if (!completed && idempotencyKey is not null)
            {
                api.Submissions.Release(user.Name, idempotencyKey);
            }
        }
    }

    private static async Task<(SubmissionResult? Submission, IResult? Problem)> SubmitToStoreAsync(
        ClientApiContext api, HttpContext http, string account, List<TransitRecipient> recipients, DateTimeOffset expiry, string? mime, long? declared)
    {
        var request = new SubmissionRequest
        {
            Account = account,
            Recipients = recipients,
            TransitExpiry = expiry,
            MimeHint = string.IsNullOrEmpty(mime) ? null : mime,
            DeclaredSize = declared,
        };

        var limit = api.Options.MaxMessageBytes;
        var body = new LimitedReadStream(http.Request.Body, limit);
        try
        {
            return (await api.Node.Store.SubmitAsync(request, body, http.RequestAborted).ConfigureAwait(false), null);
        }
        catch (BodyTooLargeException)
        {
            return (null, Problems.Field("body", $"the body is longer than {limit} bytes", limit, StatusCodes.Status413PayloadTooLarge, "too-large"));
        }
        catch (TransitQuotaException e)
        {
            return (null, Problems.Field("body", e.Message, status: StatusCodes.Status507InsufficientStorage, kind: "quota"));
        }
        catch (ArgumentException e) when (e.Message.Contains("DeclaredSize", StringComparison.Ordinal))
        {
            return (null, Problems.Field("Content-Length", "the body's length differs from its Content-Length"));
        }
        catch (ArgumentException e)
        {
            return (null, Problems.Field("request", e.Message));
        }
        catch (IOException e) when (e is not BodyTooLargeException && IsDiskFull(e))
        {
            return (null, Problems.Field("body", "the node's disk is full; nothing was stored", status: StatusCodes.Status507InsufficientStorage, kind: "storage"));
        }
    }

    private static bool IsDiskFull(IOException e) => e.HResult == 28 || e.Message.Contains("No space left", StringComparison.Ordinal);

    private static IResult Created(SentMessage message)
    {
        var response = new SubmitResponse
        {
            MessageId = message.MessageId.ToString(),
            Size = message.Size,
            PayloadHash = message.PayloadHash.ToString(),
            Expires = Http.Wire.Time(message.ExpiresMs),
        };

        foreach (var delivery in message.Deliveries)
        {
            response.Deliveries.Add(new DeliveryCreated { DeliveryId = delivery.Id, To = $"{delivery.Hash}@{delivery.Domain}" });
        }

        return Results.Created($"/v1/messages/{response.MessageId}", response);
    }

    private static int Utf8Length(string text) => Encoding.UTF8.GetByteCount(text);
}
