using Microsoft.AspNetCore.Http;

namespace Tern.Admin.Http;

/// <summary>
/// RFC 9457 problem documents for every refusal of the admin surface: <c>type</c> names the kind
/// (<c>urn:tern:admin:…</c>), the <c>field</c> extension the parameter or header at fault.
/// </summary>
internal static class AdminProblems
{
    public const string TypeBase = "urn:tern:admin:";

    /// <summary>A parameter that does not parse or breaks a rule (400 unless given).</summary>
    public static IResult Field(string field, string detail, int status = StatusCodes.Status400BadRequest, string kind = "invalid-field") =>
        Results.Problem(detail: detail, statusCode: status, title: Title(status), type: TypeBase + kind,
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["field"] = field });

    /// <summary>No token, or not the admin token (401).</summary>
    public static IResult Unauthorized(string detail) => Field("Authorization", detail, StatusCodes.Status401Unauthorized, "unauthorized");

    /// <summary>What this node does not do yet (501).</summary>
    public static IResult NotImplemented(string detail) => Field("", detail, StatusCodes.Status501NotImplemented, "not-implemented");

    private static string Title(int status) => status switch
    {
        400 => "Invalid request",
        401 => "Not authenticated",
        404 => "Not found",
        409 => "Conflict",
        501 => "Not implemented",
        _ => "Refused",
    };
}
