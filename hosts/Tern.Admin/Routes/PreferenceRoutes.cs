using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.Admin.Http;
using Tern.Admin.Wire;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.Admin.Routes;

/// <summary>
/// <c>GET /preferences?recipientHash=&amp;senderDomain=</c>: the pull preference the ingest applies; <c>PUT /preferences</c>
/// sets one for a recipient hash (per sender domain, or its default), effective from the next notification. Users' own
/// preferences are kept in <c>users.json</c> by the client API; one set here lasts until the node stops.
/// </summary>
internal static class PreferenceRoutes
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/preferences", Get).WithName("Preference").WithTags("preferences").Produces<PreferenceAnswer>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPut("/preferences", PutAsync).WithName("SetPreference").WithTags("preferences").Accepts<PreferenceRequest>("application/json")
            .Produces<PreferenceAnswer>().ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static IResult Get(AdminContext admin, string? recipientHash, string? senderDomain)
    {
        if (recipientHash is null || !RecipientHash.TryParse(recipientHash, out var hash))
        {
            return AdminProblems.Field("recipientHash", "recipientHash must be 43 characters of base64url (32 bytes)");
        }

        if (senderDomain is null || BlockRoutes.Domain(senderDomain) is not { } domain)
        {
            return AdminProblems.Field("senderDomain", "senderDomain must be a domain name");
        }

        var preference = admin.Node.Preferences.Lookup(hash, System.Text.Encoding.ASCII.GetBytes(domain));
        return Results.Json(new PreferenceAnswer(hash.ToString(), domain, Name(preference)));
    }

    private static async Task<IResult> PutAsync(HttpContext http, AdminContext admin)
    {
        PreferenceRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<PreferenceRequest>(http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            return AdminProblems.Field("body", "the body must be a JSON object {recipientHash, senderDomain?, preference} sent as application/json");
        }

        if (request?.RecipientHash is null || !RecipientHash.TryParse(request.RecipientHash, out var hash))
        {
            return AdminProblems.Field("recipientHash", "recipientHash must be 43 characters of base64url (32 bytes)");
        }

        PullPreference? preference = null;
        if (request.Preference is not null)
        {
            if (!Enum.TryParse<PullPreference>(request.Preference, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || char.IsDigit(request.Preference[0]))
            {
                return AdminProblems.Field("preference", "preference must be whenRequested, immediately or ignore");
            }

            preference = parsed;
        }

        if (request.SenderDomain is null)
        {
            admin.Node.Preferences.SetDefault(hash, preference);
            return Results.Json(new PreferenceAnswer(hash.ToString(), "", preference is { } p ? Name(p) : "default"));
        }

        if (BlockRoutes.Domain(request.SenderDomain) is not { } domain)
        {
            return AdminProblems.Field("senderDomain", "senderDomain must be a domain name");
        }

        if (preference is not { } value)
        {
            return AdminProblems.Field("preference", "a preference for a sender domain must be whenRequested, immediately or ignore");
        }

        admin.Node.Preferences.Set(hash, domain, value);
        return Results.Json(new PreferenceAnswer(hash.ToString(), domain, Name(value)));
    }

    private static string Name(PullPreference preference) => JsonNamingPolicy.CamelCase.ConvertName(preference.ToString());
}
