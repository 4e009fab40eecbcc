using Microsoft.AspNetCore.Http;
using Tern.ClientApi.Http;
using Tern.Engine.Transit;

namespace Tern.ClientApi.Routes;

internal static partial class SubmitRoute
{
    /// <summary>Checks everything a submit names before a byte of the body is read; the problem to answer, or null.</summary>
    internal static IResult? Validate(ClientApiContext api, HttpRequest request, string[]? to, string? expires, string? mime, string? idempotencyKey,
        out List<TransitRecipient> recipients, out DateTimeOffset expiry) =>
        Validate(api, request.ContentLength, to, expires, mime, idempotencyKey, out recipients, out expiry);

    /// <summary>As above, for a body of <paramref name="length"/> bytes (a batch's message).</summary>
    internal static IResult? Validate(ClientApiContext api, long? length, string[]? to, string? expires, string? mime, string? idempotencyKey,
        out List<TransitRecipient> recipients, out DateTimeOffset expiry)
    {
        var options = api.Options;
        recipients = [];
        expiry = default;
        if (to is null || to.Length == 0)
        {
            return Problems.Field("to", "name at least one recipient as to=<hash>@<domain>", options.MaxRecipients);
        }

        if (to.Length > options.MaxRecipients)
        {
            return Problems.Field("to", $"{to.Length} recipients named; at most {options.MaxRecipients}", options.MaxRecipients);
        }

        for (var i = 0; i < to.Length; i++)
        {
            if (!Fields.TryRecipient(to[i], out var hash, out var domain))
            {
                return Problems.Field($"to[{i}]", "a recipient is <hash>@<domain>: the recipient hash as 43 characters of base64url, then the domain");
            }

            var recipient = new TransitRecipient(domain, hash);
            if (recipients.Contains(recipient))
            {
                return Problems.Field($"to[{i}]", "this recipient is named twice");
            }

            recipients.Add(recipient);
        }

        var now = DateTimeOffset.FromUnixTimeMilliseconds(api.NowMs);
        var max = api.MaxTransit;
        // The limits a problem names, built only for one (not on every submit).
        Dictionary<string, string> Bounds() => new(StringComparer.Ordinal) { ["min"] = Span(options.MinTransit), ["max"] = Span(max) };
        if (expires is null)
        {
            expiry = now + options.DefaultTransit;
        }
        else if (!Fields.TryTime(expires, out expiry))
        {
            return Problems.Field("expires", "the transit expiry is an RFC 3339 time with its offset, e.g. 2026-12-07T12:00:00Z", Bounds());
        }
        else if (expiry < now + options.MinTransit || expiry > now + max)
        {
            return Problems.Field("expires", $"the transit expiry must lie from {Span(options.MinTransit)} to {Span(max)} after now", Bounds());
        }

        if (mime is not null && (Utf8Length(mime) > MaxMimeHintBytes || mime.Any(c => c is < ' ' or > '~')))
        {
            return Problems.Field("mime", $"the MIME hint is at most {MaxMimeHintBytes} printable ASCII characters", MaxMimeHintBytes);
        }

        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > MaxIdempotencyKeyLength || idempotencyKey.Any(c => c is <= ' ' or > '~')))
        {
            return Problems.Field("Idempotency-Key", $"the key is 1 to {MaxIdempotencyKeyLength} visible ASCII characters", MaxIdempotencyKeyLength);
        }

        if (length > options.MaxMessageBytes)
        {
            return Problems.Field("body", $"the body is {length} bytes; at most {options.MaxMessageBytes}", options.MaxMessageBytes,
                StatusCodes.Status413PayloadTooLarge, "too-large");
        }

        return null;
    }

    /// <summary>A duration as ISO 8601 (<c>PT60S</c>), how limits on time are written.</summary>
    private static string Span(TimeSpan span) => System.Xml.XmlConvert.ToString(span);
}
