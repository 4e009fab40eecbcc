using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Http;
using Tern.ClientApi.Submissions;
using Tern.ClientApi.Wire;
using Tern.Node.Surfaces;

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

    /// <param name="group">The authenticated <c>/v1</c> group.</param>
    /// <param name="inlineWhenIdleMaxBytes">Longest body that may begin on the socket thread when no other submit is in
    /// flight (<see cref="ClientApiOptions.SubmitInlineWhenIdleMaxBytes"/>); 0 for none.</param>
    public static void Map(RouteGroupBuilder group, int inlineWhenIdleMaxBytes)
    {
        var route = group.MapPost("/messages", SubmitAsync).WithName("SubmitMessage").WithTags("messages")
            .Accepts<Stream>("application/octet-stream")
            .Produces<SubmitResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage);
        if (inlineWhenIdleMaxBytes > 0)
        {
            // All memory work until the commit's wait: the body is read through PoolResumingBody, the bucket opened on
            // the pool, the group commit's completion resumes on the pool.
            route.RunsInlineWhenIdle(inlineWhenIdleMaxBytes);
        }
    }

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
        var outcome = await SubmitOneAsync(api, user.Name, to!, recipients, expires, expiry, mime, idempotencyKey, declared,
            new LimitedReadStream(http.Request.Body, api.Options.MaxMessageBytes), http.RequestAborted).ConfigureAwait(false);
        if (outcome.Problem is not null)
        {
            return outcome.Problem;
        }

        if (outcome.Replayed)
        {
            http.Response.Headers["Idempotency-Replayed"] = "true";
        }

        return Created(http, outcome.Message!);
    }

    private static JsonAnswer<SubmitResponse> Created(HttpContext http, SentMessage message)
    {
        var response = Answer(message);
        http.Response.Headers.Location = $"/v1/messages/{response.MessageId}";
        return JsonAnswer.Of(response, SubmitJson.Default.SubmitResponse, StatusCodes.Status201Created);
    }

    /// <summary>The answer's document for a stored (or replayed) submission.</summary>
    internal static SubmitResponse Answer(SentMessage message)
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

        return response;
    }

    private static int Utf8Length(string text) => Encoding.UTF8.GetByteCount(text);
}
