using Microsoft.AspNetCore.Http;
using Tern.ClientApi.Http;
using Tern.ClientApi.Submissions;
using Tern.Engine.Transit;

namespace Tern.ClientApi.Routes;

internal static partial class SubmitRoute
{
    /// <summary>What one submission came to: the message stored (or the first answer under its key), or the problem.</summary>
    internal readonly record struct Outcome(SentMessage? Message, bool Replayed, IResult? Problem);

    /// <summary>
    /// One validated submission, as the single and the batch route make it: the idempotency key claimed (or its first
    /// answer replayed), the body streamed into the transit store, the key's record made durable, the notification
    /// scheduled. Concurrent calls share the store's group commit and the submission log's fsync.
    /// </summary>
    internal static async Task<Outcome> SubmitOneAsync(ClientApiContext api, string user, string[] to, List<TransitRecipient> recipients,
        string? expires, DateTimeOffset expiry, string? mime, string? idempotencyKey, long? declared, Stream body, CancellationToken cancellationToken)
    {
        // What a retry with the same key must repeat; only keyed submits keep one.
        var fingerprint = idempotencyKey is null ? null : $"{string.Join(',', to)}|{expires}|{mime}|{declared}";
        if (idempotencyKey is not null)
        {
            var (earlier, claimed) = api.Submissions.Claim(user, idempotencyKey);
            if (earlier is not null)
            {
                return earlier.Fingerprint != fingerprint
                    ? new(null, false, Problems.Field("Idempotency-Key", "this key answered a submit with other recipients, expiry, hint or length; use a new key for a new message",
                        status: StatusCodes.Status422UnprocessableEntity, kind: "idempotency-key-reused"))
                    : new(earlier, true, null);
            }

            if (!claimed)
            {
                return new(null, false, Problems.Conflict("Idempotency-Key", "a submit with this key is in progress; retry once it has completed"));
            }
        }

        var completed = false;
        try
        {
            var result = await SubmitToStoreAsync(api, body, user, recipients, expiry, mime, declared, cancellationToken).ConfigureAwait(false);
            if (result.Problem is not null)
            {
                return new(null, false, result.Problem);
            }

            var submission = result.Submission!;
            var message = Sent(api, user, submission, recipients, mime, idempotencyKey, fingerprint);

            try
            {
                if (idempotencyKey is not null)
                {
                    await api.Submissions.AppendAsync(message, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (IOException e)
            {
                // Not told to anyone yet: withdraw it, so a message the API cannot answer for is never delivered.
                await api.Node.Store.RetractAsync(submission.MessageId, user).ConfigureAwait(false);
                ClientApiLogMessages.SubmissionLogFailed(api.Logger, e);
                return new(null, false, Problems.Field("body", $"the node could not record the submission: {e.Message}", status: StatusCodes.Status507InsufficientStorage, kind: "storage"));
            }

            completed = true;
            api.Node.Scheduler.Schedule(submission);
            return new(message, false, null);
        }
        finally
        {
            if (!completed && idempotencyKey is not null)
            {
                api.Submissions.Release(user, idempotencyKey);
            }
        }
    }

    private static async Task<(SubmissionResult? Submission, IResult? Problem)> SubmitToStoreAsync(
        ClientApiContext api, Stream body, string account, List<TransitRecipient> recipients, DateTimeOffset expiry, string? mime, long? declared, CancellationToken cancellationToken)
    {
        var request = new SubmissionRequest
        {
            Account = account,
            Recipients = recipients,
            TransitExpiry = expiry,
            MimeHint = string.IsNullOrEmpty(mime) ? null : mime,
            DeclaredSize = declared,
        };

        try
        {
            return (await api.Node.Store.SubmitAsync(request, body, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception e) when (StoreProblem(api, e) is { } problem)
        {
            return (null, problem);
        }
    }

    /// <summary>The record of a stored submission, as the answer and the submission log hold it.</summary>
    internal static SentMessage Sent(ClientApiContext api, string user, SubmissionResult submission, List<TransitRecipient> recipients, string? mime, string? idempotencyKey, string? fingerprint)
    {
        var deliveries = new SentDelivery[recipients.Count];
        for (var i = 0; i < deliveries.Length; i++)
        {
            deliveries[i] = new SentDelivery(submission.Capabilities[i], recipients[i].Domain, recipients[i].Hash);
        }

        return new SentMessage
        {
            User = user,
            MessageId = submission.MessageId,
            Size = submission.Size,
            PayloadHash = submission.PayloadHash,
            SubmittedMs = api.NowMs,
            ExpiresMs = submission.TransitExpiry.ToUnixTimeMilliseconds(),
            MimeHint = string.IsNullOrEmpty(mime) ? null : mime,
            IdempotencyKey = idempotencyKey,
            Fingerprint = fingerprint,
            Deliveries = deliveries,
        };
    }

    /// <summary>The problem to answer for what the transit store refused a submission with; null for a failure that is the node's own (a 500).</summary>
    internal static IResult? StoreProblem(ClientApiContext api, Exception e)
    {
        var limit = api.Options.MaxMessageBytes;
        return e switch
        {
            BodyTooLargeException => Problems.Field("body", $"the body is longer than {limit} bytes", limit, StatusCodes.Status413PayloadTooLarge, "too-large"),
            TransitQuotaException => Problems.Field("body", e.Message, status: StatusCodes.Status507InsufficientStorage, kind: "quota"),
            ArgumentException when e.Message.Contains("DeclaredSize", StringComparison.Ordinal) => Problems.Field("Content-Length", "the body's length differs from its Content-Length"),
            ArgumentException => Problems.Field("request", e.Message),
            IOException io when IsDiskFull(io) => Problems.Field("body", "the node's disk is full; nothing was stored", status: StatusCodes.Status507InsufficientStorage, kind: "storage"),
            _ => null,
        };
    }

    private static bool IsDiskFull(IOException e) => e.HResult == 28 || e.Message.Contains("No space left", StringComparison.Ordinal);
}
