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
            var deliveries = new SentDelivery[recipients.Count];
            for (var i = 0; i < deliveries.Length; i++)
            {
                deliveries[i] = new SentDelivery(submission.Capabilities[i], recipients[i].Domain, recipients[i].Hash);
            }

            var message = new SentMessage
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

        var limit = api.Options.MaxMessageBytes;
        try
        {
            return (await api.Node.Store.SubmitAsync(request, body, cancellationToken).ConfigureAwait(false), null);
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
}
