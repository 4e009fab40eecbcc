using System.Runtime.ExceptionServices;
using System.Text.Json;
using MessagePack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Http;
using Tern.ClientApi.Wire;
using Tern.Engine.Transit;

namespace Tern.ClientApi.Routes;

/// <summary>
/// <c>POST /v1/messages/batch</c> (docs/C2S.md §6): many small messages in one request, JSON (bodies base64) or
/// MessagePack (bodies bin), each validated and stored as the single submit stores it, all at once so they share the
/// transit store's group commit, and answered one result per message in order. Not atomic: a message's problem is its
/// own and the others are stored; only what concerns the whole request (authentication, encoding, the batch's limits)
/// refuses it all, and then nothing is stored.
/// </summary>
internal static class BatchRoute
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/messages/batch", SubmitAsync).WithName("SubmitBatch").WithTags("messages")
            .Accepts<BatchRequest>("application/json", Http.Wire.MessagePackType)
            .Produces<BatchResponse>(StatusCodes.Status200OK, "application/json", Http.Wire.MessagePackType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static async Task<IResult> SubmitAsync(HttpContext http, ClientApiContext api)
    {
        var user = CurrentUser.Get(http);
        var options = api.Options;
        var request = http.Request;
        var messagePack = IsMessagePack(request.ContentType);
        if (!messagePack && !(request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Field("Content-Type", $"send the batch as application/json or {Http.Wire.MessagePackType}", status: StatusCodes.Status415UnsupportedMediaType, kind: "media-type");
        }

        if (request.ContentLength > options.MaxBatchBytes)
        {
            return TooLarge(options.MaxBatchBytes);
        }

        // Bounds the batches held in memory at once; a batch waits here before a byte of it is read.
        await api.Batches.WaitAsync(http.RequestAborted).ConfigureAwait(false);
        try
        {
            var (batch, problem) = await ReadAsync(request, messagePack, options.MaxBatchBytes).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            var messages = batch!.Messages;
            if (messages is null || messages.Count == 0)
            {
                return Problems.Field("messages", "name at least one message", options.MaxBatchMessages);
            }

            if (messages.Count > options.MaxBatchMessages)
            {
                return Problems.Field("messages", $"{messages.Count} messages; at most {options.MaxBatchMessages} a batch", options.MaxBatchMessages);
            }

            var results = await SubmitAllAsync(api, user.Name, messages, http.RequestAborted).ConfigureAwait(false);
            var response = new BatchResponse { Results = new List<BatchResult>(results.Length) };
            foreach (var result in results)
            {
                response.Results.Add(result);
                if (result.Problem is null)
                {
                    response.Submitted++;
                }
                else
                {
                    response.Failed++;
                }
            }

            return Http.Wire.Bulk(request, response, SubmitJson.Default.BatchResponse);
        }
        finally
        {
            api.Batches.Release();
        }
    }

    /// <summary>
    /// Every message of the batch, one result each in order. A message with an idempotency key goes the single submit's
    /// way (its key claimed, its record logged); the others, all the batch's in the usual case, go to the transit store in
    /// one <see cref="Engine.Transit.TransitStore.SubmitManyAsync"/> call, straight from the decoded bodies, so they
    /// share one commit and one wake-up. All are started before any is awaited, so the batch waits for about one group
    /// commit rather than one per message.
    /// </summary>
    private static async Task<BatchResult[]> SubmitAllAsync(ClientApiContext api, string user, List<BatchMessage?> messages, CancellationToken cancellationToken)
    {
        var results = new BatchResult[messages.Count];
        var keyed = new List<(int Index, Task<BatchResult> Task)>();
        var items = new List<SubmissionItem>(messages.Count);
        var unkeyed = new List<(int Index, List<TransitRecipient> Recipients, string? Mime)>(messages.Count);
        var keysInBatch = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message is null)
            {
                results[i] = Failed(i, Problems.Field("", "each message is an object with to, body and optionally expires, mime and idempotencyKey"));
                continue;
            }

            if (message.Body is not { } body)
            {
                results[i] = Failed(i, Problems.Field("body", "each message carries its body (base64 in JSON, bin in MessagePack)"));
                continue;
            }

            if (SubmitRoute.Validate(api, body.Length, message.To, message.Expires, message.Mime, message.IdempotencyKey, out var recipients, out var expiry) is { } invalid)
            {
                results[i] = Failed(i, invalid);
                continue;
            }

            if (message.IdempotencyKey is not null)
            {
                // Of two messages with one key the later gets 409, as a concurrent retry would: decided here, not by whether
                // the earlier one's submit happened to finish before the later one claimed the key (then it would replay).
                if (!keysInBatch.Add(message.IdempotencyKey))
                {
                    results[i] = Failed(i, Problems.Conflict("Idempotency-Key", "an earlier message of this batch has this key; use a new key for a new message"));
                    continue;
                }

                keyed.Add((i, SubmitKeyedAsync(api, user, i, message, recipients, expiry, body, cancellationToken)));
                continue;
            }

            var mime = string.IsNullOrEmpty(message.Mime) ? null : message.Mime;
            items.Add(new SubmissionItem(
                new SubmissionRequest { Account = user, Recipients = recipients, TransitExpiry = expiry, MimeHint = mime, DeclaredSize = body.Length },
                body));
            unkeyed.Add((i, recipients, mime));
        }

        if (items.Count > 0)
        {
            var outcomes = await api.Node.Store.SubmitManyAsync(items, cancellationToken).ConfigureAwait(false);
            var stored = new List<SubmissionResult>(outcomes.Length);
            Exception? failure = null;
            for (var j = 0; j < outcomes.Length; j++)
            {
                var (index, recipients, mime) = unkeyed[j];
                var (submission, error) = outcomes[j];
                if (submission is null)
                {
                    // What the single submit would answer; a failure that is the node's own fails the request, as it would
                    // there, once the messages stored are scheduled.
                    if (SubmitRoute.StoreProblem(api, error!) is { } problem)
                    {
                        results[index] = Failed(index, problem);
                    }
                    else
                    {
                        failure ??= error;
                    }

                    continue;
                }

                stored.Add(submission);
                var sent = SubmitRoute.Sent(api, user, submission, recipients, mime, idempotencyKey: null, fingerprint: null);
                results[index] = new BatchResult { Status = StatusCodes.Status201Created, Message = SubmitRoute.Answer(sent) };
            }

            api.Node.Scheduler.Schedule(stored);
            if (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }

        foreach (var (index, task) in keyed)
        {
            results[index] = await task.ConfigureAwait(false);
        }

        return results;
    }

    private static async Task<BatchResult> SubmitKeyedAsync(ClientApiContext api, string user, int index, BatchMessage message, List<TransitRecipient> recipients,
        DateTimeOffset expiry, byte[] body, CancellationToken cancellationToken)
    {
        var outcome = await SubmitRoute.SubmitOneAsync(api, user, message.To!, recipients, message.Expires, expiry, message.Mime, message.IdempotencyKey,
            body.Length, new MemoryStream(body, writable: false), cancellationToken).ConfigureAwait(false);
        return outcome.Problem is { } problem
            ? Failed(index, problem)
            : new BatchResult { Status = StatusCodes.Status201Created, Replayed = outcome.Replayed, Message = SubmitRoute.Answer(outcome.Message!) };
    }

    private static async Task<(BatchRequest? Batch, IResult? Problem)> ReadAsync(HttpRequest request, bool messagePack, long maxBytes)
    {
        var body = new LimitedReadStream(request.Body, maxBytes);
        try
        {
            var batch = messagePack
                ? await MessagePackSerializer.DeserializeAsync<BatchRequest>(body, Http.Wire.MessagePackOptions, request.HttpContext.RequestAborted).ConfigureAwait(false)
                : await JsonSerializer.DeserializeAsync(body, SubmitJson.Default.BatchRequest, request.HttpContext.RequestAborted).ConfigureAwait(false);
            return batch is null ? (null, Problems.Field("body", "the body is an object with messages")) : (batch, null);
        }
        catch (BodyTooLargeException)
        {
            return (null, TooLarge(maxBytes));
        }
        catch (JsonException e)
        {
            return (null, Problems.Field("body", $"the body is not a batch: {e.Message}"));
        }
        catch (MessagePackSerializationException e) when (e.InnerException is BodyTooLargeException)
        {
            return (null, TooLarge(maxBytes));
        }
        catch (MessagePackSerializationException e)
        {
            return (null, Problems.Field("body", $"the body is not a batch: {e.Message}"));
        }
    }

    private static IResult TooLarge(long maxBytes) =>
        Problems.Field("body", $"a batch is at most {maxBytes} bytes; send more batches, or large messages one by one", maxBytes, StatusCodes.Status413PayloadTooLarge, "too-large");

    private static bool IsMessagePack(string? contentType) =>
        contentType is not null && contentType.StartsWith(Http.Wire.MessagePackType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The message's problem as the single submit would answer it, its field named inside the batch.</summary>
    private static BatchResult Failed(int index, IResult problem)
    {
        var details = ((ProblemHttpResult)problem).ProblemDetails;
        var field = details.Extensions.TryGetValue("field", out var named) ? named as string ?? "" : "";
        var name = field switch
        {
            "" => $"messages[{index}]",
            "Idempotency-Key" => $"messages[{index}].idempotencyKey",
            "Content-Length" => $"messages[{index}].body",
            _ => $"messages[{index}].{field}",
        };
        return new BatchResult
        {
            Status = details.Status ?? StatusCodes.Status400BadRequest,
            Problem = new BatchProblem
            {
                Type = details.Type ?? "",
                Title = details.Title ?? "",
                Status = details.Status ?? StatusCodes.Status400BadRequest,
                Detail = details.Detail ?? "",
                Field = name,
                Limit = details.Extensions.TryGetValue("limit", out var limit) ? limit : null,
            },
        };
    }
}
