using Microsoft.AspNetCore.Http;

namespace Tern.ClientApi.Http;

/// <summary>
/// RFC 9457 problem documents (<c>application/problem+json</c>) for every refusal: <c>type</c> names the kind, and the
/// <c>field</c> and <c>limit</c> extensions name what was wrong and the bound it broke, so a client can say which input
/// to fix without parsing the prose (docs/CLIENT-API.md, "Errors").
/// </summary>
internal static class Problems
{
    public const string TypeBase = "urn:tern:c2s:";

    /// <summary>A field that does not parse or breaks a rule (400), or a value beyond a limit (the status given).</summary>
    public static IResult Field(string field, string detail, object? limit = null, int status = StatusCodes.Status400BadRequest, string kind = "invalid-field") =>
        Results.Problem(detail: detail, statusCode: status, title: Title(status), type: TypeBase + kind, extensions: Extensions(field, limit));

    /// <summary>Something the user does not have (404): another user's thing answers the same as one that never existed.</summary>
    public static IResult NotFound(string field, string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: Title(404), type: TypeBase + "not-found", extensions: Extensions(field, null));

    /// <summary>A request that conflicts with state (409).</summary>
    public static IResult Conflict(string field, string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: Title(409), type: TypeBase + "conflict", extensions: Extensions(field, null));

    /// <summary>No token, or one that is not a user's (401).</summary>
    public static IResult Unauthorized(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: Title(401), type: TypeBase + "unauthorized",
            extensions: Extensions("Authorization", null));

    /// <summary>A 401 of a given kind: <c>session-expired</c>, <c>device-revoked</c>.</summary>
    public static IResult Unauthorized(string kind, string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: Title(401), type: TypeBase + kind,
            extensions: Extensions("Authorization", null));

    private static Dictionary<string, object?> Extensions(string field, object? limit)
    {
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal) { ["field"] = field };
        if (limit is not null)
        {
            extensions["limit"] = limit;
        }

        return extensions;
    }

    private static string Title(int status) => status switch
    {
        400 => "Invalid request",
        401 => "Not authenticated",
        404 => "Not found",
        403 => "Forbidden",
        409 => "Conflict",
        410 => "Gone",
        412 => "Precondition failed",
        429 => "Too many requests",
        413 => "Too large",
        415 => "Unsupported media type",
        422 => "Idempotency key reused",
        507 => "Insufficient storage",
        _ => "Refused",
    };
}
