using System.Globalization;
using Microsoft.AspNetCore.Http;
using Tern.Engine.Protocol.Custody;
using Tern.Transports.Fetch.Client;

namespace Tern.Node;

/// <summary>
/// <c>POST /v1/custody/offers</c> on a gateway's HTTP door (docs/PROTOCOL.md §10.3): the offer in, the answer out, with
/// the HTTP status that matches it. On a node that is not a gateway the path is left to the blob door, which answers it
/// like any unknown path (404).
/// </summary>
internal static class CustodyOfferRoute
{
    /// <summary>Largest offer body read (an offer is at most 33 109 bytes, §10.2).</summary>
    public const int MaxBody = 64 * 1024;

    private const string AnswerContentType = "application/vnd.tern.custody-answer";

    /// <summary>Whether <paramref name="context"/> is for this route on a gateway.</summary>
    public static bool Matches(HttpContext context, TernNode node) =>
        node.Options.Role == NodeRole.Gateway && string.Equals(context.Request.Path.Value, HttpCustodyOfferClient.Path, StringComparison.Ordinal);

    public static async Task HandleAsync(HttpContext context, TernNode node)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsPost(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "POST";
            response.ContentLength = 0;
            return;
        }

        if (request.ContentLength is > MaxBody)
        {
            response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            response.ContentLength = 0;
            return;
        }

        var body = await ReadBodyAsync(request, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            response.ContentLength = 0;
            return;
        }

        if (node.Gateway is not { } gateway)
        {
            // Starting or stopping: the sender offers again.
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.Headers.RetryAfter = "1";
            await WriteAsync(response, CustodyAnswer.Declined(CustodyDeclineReason.SenderUnknown, "the gateway is not ready")).ConfigureAwait(false);
            return;
        }

        var answer = await gateway.OfferAsync(body, context.RequestAborted).ConfigureAwait(false);
        switch (answer.Status)
        {
            case CustodyAnswerStatus.Accepted:
                response.StatusCode = StatusCodes.Status200OK;
                break;
            case CustodyAnswerStatus.InProgress:
                response.StatusCode = StatusCodes.Status202Accepted;
                response.Headers.RetryAfter = Seconds(answer.RetryAfterMs);
                break;
            case CustodyAnswerStatus.Declined when CustodyAnswer.IsTransient(answer.Reason):
                response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                response.Headers.RetryAfter = "1";
                break;
            case CustodyAnswerStatus.Declined when answer.Reason == CustodyDeclineReason.BadOffer && !CustodyOffer.TryParse(body, out _, out _):
                response.StatusCode = StatusCodes.Status400BadRequest;
                break;
            default:
                response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                break;
        }

        await WriteAsync(response, answer).ConfigureAwait(false);
    }

    private static string Seconds(uint milliseconds) => ((milliseconds + 999) / 1000).ToString(CultureInfo.InvariantCulture);

    private static async Task WriteAsync(HttpResponse response, CustodyAnswer answer)
    {
        var bytes = answer.ToArray();
        response.ContentType = AnswerContentType;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes).ConfigureAwait(false);
    }

    /// <summary>The body, or null when it runs past <see cref="MaxBody"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxBody + 1];
        var length = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
            if (length > MaxBody)
            {
                return null;
            }
        }

        return buffer[..length];
    }
}
