using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Events;
using Tern.ClientApi.Http;
using Tern.ClientApi.Wire;

namespace Tern.ClientApi.Routes;

/// <summary>
/// <c>GET</c> and <c>PUT /v1/policy</c> (docs/C2S.md §13): the whole document with an <c>ETag</c>; a <c>PUT</c> with a
/// stale <c>If-Match</c> is <c>412 precondition-failed</c>; unknown fields are refused naming the field. A change is a
/// <c>policy_changed</c> event.
/// </summary>
internal static class PolicyRoutes
{
    private static readonly string[] Members = ["version", "defaultPull", "retentionDays", "trashDays", "largeTransferBytes", "largeTransfer", "reputationThreshold"];

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/policy", Get).WithName("GetPolicy").WithTags("policy").Produces<PolicyDocument>();
        group.MapPut("/policy", PutAsync).WithName("PutPolicy").WithTags("policy").Accepts<PolicyDocument>("application/json")
            .Produces<PolicyDocument>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    private static JsonAnswer<PolicyDocument> Get(HttpContext http, ClientApiContext api)
    {
        var (document, etag) = api.Policies.Get(CurrentUser.Get(http).Name);
        http.Response.Headers.ETag = etag;
        return JsonAnswer.Of(document);
    }

    private static async Task<IResult> PutAsync(HttpContext http, ClientApiContext api)
    {
        var (json, bad) = await JsonBody.ReadAsync(http.Request).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        PolicyDocument document;
        using (json)
        {
            if (Parse(json!.RootElement, out document) is { } problem)
            {
                return problem;
            }
        }

        var user = CurrentUser.Get(http).Name;
        var ifMatch = http.Request.Headers.IfMatch.Count > 0 ? http.Request.Headers.IfMatch[0] : null;
        if (api.Policies.Put(user, document, ifMatch) is not { } etag)
        {
            return Problems.Field("If-Match", "the policy changed since you read it: read it again (its ETag) and retry", status: StatusCodes.Status412PreconditionFailed, kind: "precondition-failed");
        }

        await api.Events.AppendAsync(user, UserEvents.PolicyStateChanged(etag), http.RequestAborted).ConfigureAwait(false);
        http.Response.Headers.ETag = etag;
        return JsonAnswer.Of(document);
    }

    private static IResult? Parse(JsonElement body, out PolicyDocument document)
    {
        document = new PolicyDocument();
        if (JsonBody.Unknown(body, Members) is { } unknown)
        {
            return Problems.Field(unknown, $"'{unknown}' is not a member of the policy document");
        }

        foreach (var member in Members[..^1])
        {
            if (!body.TryGetProperty(member, out _))
            {
                return Problems.Field(member, $"'{member}' is missing: PUT sends the whole document");
            }
        }

        if (!Int(body, "version", 1, 1, out var version))
        {
            return Problems.Field("version", "'version' is 1", 1);
        }

        if (!OneOf(body, "defaultPull", out var defaultPull, "immediately", "whenRequested", "ignore"))
        {
            return Problems.Field("defaultPull", "'defaultPull' is one of \"immediately\", \"whenRequested\", \"ignore\"");
        }

        if (!Int(body, "retentionDays", 0, 36_500, out var retention))
        {
            return Problems.Field("retentionDays", "'retentionDays' is a whole number from 0 (keep until deleted) to 36500", 36_500);
        }

        if (!Int(body, "trashDays", 0, 36_500, out var trash))
        {
            return Problems.Field("trashDays", "'trashDays' is a whole number from 0 to 36500", 36_500);
        }

        if (body.GetProperty("largeTransferBytes") is not { ValueKind: JsonValueKind.Number } large || !large.TryGetInt64(out var largeBytes) || largeBytes < 0)
        {
            return Problems.Field("largeTransferBytes", "'largeTransferBytes' is a whole number of bytes, 0 or more");
        }

        if (!OneOf(body, "largeTransfer", out var largeTransfer, "defer", "pull", "ignore"))
        {
            return Problems.Field("largeTransfer", "'largeTransfer' is one of \"defer\", \"pull\", \"ignore\"");
        }

        if (body.TryGetProperty("reputationThreshold", out var reputation) && reputation.ValueKind != JsonValueKind.Null)
        {
            return Problems.Field("reputationThreshold", "'reputationThreshold' is reserved: null until reputation exists");
        }

        document = new PolicyDocument
        {
            Version = version,
            DefaultPull = defaultPull,
            RetentionDays = retention,
            TrashDays = trash,
            LargeTransferBytes = largeBytes,
            LargeTransfer = largeTransfer,
        };
        return null;
    }

    private static bool Int(JsonElement body, string name, int min, int max, out int value)
    {
        value = 0;
        return body.GetProperty(name) is { ValueKind: JsonValueKind.Number } number && number.TryGetInt32(out value) && value >= min && value <= max;
    }

    private static bool OneOf(JsonElement body, string name, out string value, params string[] allowed)
    {
        value = body.GetProperty(name) is { ValueKind: JsonValueKind.String } text ? text.GetString()! : "";
        return Array.IndexOf(allowed, value) >= 0;
    }
}
