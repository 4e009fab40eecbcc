using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.Admin.Http;
using Tern.Admin.Wire;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Node;

namespace Tern.Admin.Routes;

/// <summary>
/// <c>GET /preferences?recipientHash=&amp;senderDomain=</c>: the pull preference the ingest applies; <c>PUT /preferences</c>
/// sets the operator's override for a recipient hash (per sender domain, or its default), effective from the next
/// notification; a null preference takes the override back. Overrides win over the user's own choice for the same pair
/// (<see cref="PullPreferenceTable"/>) and are kept in <c>preferences.json</c>, so they survive a restart; users' own
/// preferences are kept in their settings files by the client API.
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
            if (OperatorPreferenceFile.Parse(request.Preference) is not { } parsed)
            {
                return AdminProblems.Field("preference", "preference must be whenRequested, immediately or ignore (or null to take the override back)");
            }

            preference = parsed;
        }

        var domain = request.SenderDomain is null ? null : BlockRoutes.Domain(request.SenderDomain);
        if (request.SenderDomain is not null && domain is null)
        {
            return AdminProblems.Field("senderDomain", "senderDomain must be a domain name");
        }

        try
        {
            admin.Node.Preferences.SetOperator(hash, domain, preference);
        }
        catch (IOException e)
        {
            return AdminProblems.Field("", $"the preference is in force but could not be saved to preferences.json: {e.Message}", StatusCodes.Status503ServiceUnavailable, "not-saved");
        }

        // The answer is what the ingest applies now: for a hash's default, what a domain nobody set anything for gets.
        var effective = domain is null ? (preference is { } p ? Name(p) : "default") : Name(admin.Node.Preferences.Lookup(hash, System.Text.Encoding.ASCII.GetBytes(domain)));
        return Results.Json(new PreferenceAnswer(hash.ToString(), domain ?? "", effective));
    }

    private static string Name(PullPreference preference) => OperatorPreferenceFile.Name(preference);
}
