using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tern.ClientApi.Http;

/// <summary>
/// Reads a small JSON object body (docs/C2S.md §2.2: <c>application/json</c>, at most <see cref="MaxBytes"/> unless a
/// route says otherwise), refusing with the problem that names the broken rule.
/// </summary>
internal static class JsonBody
{
    public const int MaxBytes = 4096;

    /// <summary>As <see cref="ReadAsync"/>; with <paramref name="allowEmpty"/>, an empty body with no <c>Content-Type</c> reads as <c>{}</c>, for routes whose every field is optional.</summary>
    public static Task<(JsonDocument? Document, IResult? Problem)> ReadObjectAsync(HttpContext http, bool allowEmpty)
    {
        var request = http.Request;
        if (allowEmpty && (request.ContentLength ?? 0) == 0 && string.IsNullOrEmpty(request.ContentType))
        {
            return Task.FromResult<(JsonDocument?, IResult?)>((JsonDocument.Parse("{}"), null));
        }

        return ReadAsync(request);
    }

    public static async Task<(JsonDocument? Document, IResult? Problem)> ReadAsync(HttpRequest request, int maxBytes = MaxBytes)
    {
        if (!(request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Field("Content-Type", "send the body as application/json", status: StatusCodes.Status415UnsupportedMediaType, kind: "media-type"));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, Problems.Field("body", $"the body is at most {maxBytes} bytes", maxBytes, StatusCodes.Status413PayloadTooLarge, "too-large"));
        }

        try
        {
            var document = await JsonDocument.ParseAsync(new LimitedReadStream(request.Body, maxBytes), cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                return (null, Problems.Field("body", "the body is a JSON object"));
            }

            return (document, null);
        }
        catch (BodyTooLargeException)
        {
            return (null, Problems.Field("body", $"the body is at most {maxBytes} bytes", maxBytes, StatusCodes.Status413PayloadTooLarge, "too-large"));
        }
        catch (JsonException e)
        {
            return (null, Problems.Field("body", $"the body is not JSON: {e.Message}"));
        }
    }

    /// <summary>The first property of <paramref name="body"/> not in <paramref name="known"/>, or null: unknown fields are refused by name.</summary>
    public static string? Unknown(JsonElement body, params string[] known)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0)
            {
                return property.Name;
            }
        }

        return null;
    }

    /// <summary>An optional string member, or false when it is there and not a string.</summary>
    public static bool TryString(JsonElement body, string name, out string? value)
    {
        value = null;
        if (!body.TryGetProperty(name, out var member) || member.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (member.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = member.GetString();
        return true;
    }
}
