using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Events;
using Tern.ClientApi.Http;
using Tern.ClientApi.Users;
using Tern.ClientApi.Wire;
using Tern.Engine.Protocol;
using Tern.Engine.Pending;

namespace Tern.ClientApi.Routes;

/// <summary>
/// The user's settings: who they are, the recipient hashes they own, pull preferences and blocks per sender domain. A
/// preference or block reaches the ingest at once: the next datagram is judged by it (docs/CLIENT-API.md, "Settings").
/// </summary>
internal static class SettingsRoutes
{
    /// <summary>Largest JSON body a settings route reads.</summary>
    public const int MaxJsonBytes = 4096;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/me", Me).WithName("GetMe").WithTags("settings").Produces<UserInfo>();

        group.MapGet("/hashes", (HttpContext http, ClientApiContext api) => Results.Json(new HashList { Hashes = [.. api.Users.HashesOf(CurrentUser.Get(http)).Select(h => h.ToString())] }))
            .WithName("ListHashes").WithTags("settings").Produces<HashList>();
        group.MapPut("/hashes/{hash}", RegisterHashAsync).WithName("RegisterHash").WithTags("settings")
            .Produces(StatusCodes.Status201Created).Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/hashes/{hash}", UnregisterHashAsync).WithName("UnregisterHash").WithTags("settings")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/preferences", Preferences).WithName("ListPreferences").WithTags("settings").Produces<PreferenceList>();
        group.MapPut("/preferences/{senderDomain}", SetPreferenceAsync).WithName("SetPreference").WithTags("settings")
            .Accepts<PreferenceRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapDelete("/preferences/{senderDomain}", ClearPreference).WithName("ClearPreference").WithTags("settings")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapGet("/blocks", (HttpContext http, ClientApiContext api) => Results.Json(new BlockList { Blocked = [.. api.Users.SettingsOf(CurrentUser.Get(http)).Blocked] }))
            .WithName("ListBlocks").WithTags("settings").Produces<BlockList>();
        group.MapPut("/blocks/{senderDomain}", (HttpContext http, ClientApiContext api, string senderDomain) => SetBlocked(http, api, senderDomain, true))
            .WithName("BlockDomain").WithTags("settings").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/blocks/{senderDomain}", (HttpContext http, ClientApiContext api, string senderDomain) => SetBlocked(http, api, senderDomain, false))
            .WithName("UnblockDomain").WithTags("settings").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static IResult Me(HttpContext http, ClientApiContext api)
    {
        var user = CurrentUser.Get(http);
        return Results.Json(new UserInfo { Name = user.Name, Address = user.Address, Hashes = [.. api.Users.HashesOf(user).Select(h => h.ToString())] });
    }

    private static async Task<IResult> RegisterHashAsync(HttpContext http, ClientApiContext api, string hash)
    {
        if (!RecipientHash.TryParse(hash, out var recipient))
        {
            return Problems.Field("hash", "the recipient hash is 43 characters of base64url (32 bytes)", 43);
        }

        var user = CurrentUser.Get(http);
        var outcome = api.Users.RegisterHash(user, recipient);
        if (outcome == HashRegistration.Added)
        {
            api.Policies.Registered(user.Name, recipient);
            await api.Events.AppendAsync(user.Name, UserEvents.HashChanged(recipient.ToString(), registered: true), http.RequestAborted).ConfigureAwait(false);
        }

        return outcome switch
        {
            HashRegistration.Added => Results.Created($"/v1/hashes/{hash}", null),
            HashRegistration.AlreadyOwned => Results.NoContent(),
            HashRegistration.Full => Problems.Field("hash", $"you hold {api.Options.MaxHashesPerUser} recipient hashes, the most allowed", api.Options.MaxHashesPerUser,
                StatusCodes.Status409Conflict, "limit"),
            _ => Problems.Conflict("hash", "this recipient hash is taken"),
        };
    }

    private static async Task<IResult> UnregisterHashAsync(HttpContext http, ClientApiContext api, string hash)
    {
        if (!RecipientHash.TryParse(hash, out var recipient))
        {
            return Problems.Field("hash", "the recipient hash is 43 characters of base64url (32 bytes)", 43);
        }

        var user = CurrentUser.Get(http);
        if (!api.Users.UnregisterHash(user, recipient))
        {
            return Problems.NotFound("hash", "this recipient hash is not one you registered");
        }

        await api.Events.AppendAsync(user.Name, UserEvents.HashChanged(recipient.ToString(), registered: false), http.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static IResult Preferences(HttpContext http, ClientApiContext api)
    {
        var list = new PreferenceList();
        foreach (var (domain, preference) in api.Users.SettingsOf(CurrentUser.Get(http)).Preferences)
        {
            list.Preferences.Add(new PreferenceItem { SenderDomain = domain, Pull = Name(preference) });
        }

        return Results.Json(list);
    }

    private static async Task<IResult> SetPreferenceAsync(HttpContext http, ClientApiContext api, string senderDomain)
    {
        if (!Fields.TryDomain(senderDomain, out var domain))
        {
            return Problems.Field("senderDomain", "not a domain name (ASCII letters, digits, '-' and '.', labels of 1–63, at most 253 bytes)", DomainName.MaxLength);
        }

        if (!(http.Request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Field("Content-Type", "send the preference as application/json", status: StatusCodes.Status415UnsupportedMediaType, kind: "media-type");
        }

        if (http.Request.ContentLength > MaxJsonBytes)
        {
            return Problems.Field("body", $"the body is at most {MaxJsonBytes} bytes", MaxJsonBytes, StatusCodes.Status413PayloadTooLarge, "too-large");
        }

        PullPreference preference;
        try
        {
            using var document = await JsonDocument.ParseAsync(new LimitedReadStream(http.Request.Body, MaxJsonBytes), cancellationToken: http.RequestAborted).ConfigureAwait(false);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("pull", out var pull)
                || pull.ValueKind != JsonValueKind.String || !TryParse(pull.GetString(), out preference))
            {
                return Problems.Field("pull", "'pull' is one of \"immediately\", \"whenRequested\", \"ignore\"");
            }
        }
        catch (BodyTooLargeException)
        {
            return Problems.Field("body", $"the body is at most {MaxJsonBytes} bytes", MaxJsonBytes, StatusCodes.Status413PayloadTooLarge, "too-large");
        }
        catch (JsonException e)
        {
            return Problems.Field("body", $"the body is not JSON: {e.Message}");
        }

        return api.Users.SetPreference(CurrentUser.Get(http), domain, preference) ? await ChangedAsync(http, api).ConfigureAwait(false)
            : Problems.Field("senderDomain", $"you have preferences for {api.Options.MaxDomainsPerUser} domains, the most allowed", api.Options.MaxDomainsPerUser,
                StatusCodes.Status409Conflict, "limit");
    }

    /// <summary>A preference or block changed: <c>policy_changed</c> with the document's tag (docs/C2S.md §15), durable before the answer.</summary>
    private static async Task<IResult> ChangedAsync(HttpContext http, ClientApiContext api)
    {
        var user = CurrentUser.Get(http).Name;
        await api.Events.AppendAsync(user, UserEvents.PolicyStateChanged(api.Policies.Get(user).ETag), http.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static IResult ClearPreference(HttpContext http, ClientApiContext api, string senderDomain)
    {
        if (!Fields.TryDomain(senderDomain, out var domain))
        {
            return Problems.Field("senderDomain", "not a domain name (ASCII letters, digits, '-' and '.', labels of 1–63, at most 253 bytes)", DomainName.MaxLength);
        }

        api.Users.SetPreference(CurrentUser.Get(http), domain, null);
        return Results.NoContent();
    }

    private static IResult SetBlocked(HttpContext http, ClientApiContext api, string senderDomain, bool blocked)
    {
        if (!Fields.TryDomain(senderDomain, out var domain))
        {
            return Problems.Field("senderDomain", "not a domain name (ASCII letters, digits, '-' and '.', labels of 1–63, at most 253 bytes)", DomainName.MaxLength);
        }

        return api.Users.SetBlocked(CurrentUser.Get(http), domain, blocked) ? Results.NoContent()
            : Problems.Field("senderDomain", $"you block {api.Options.MaxDomainsPerUser} domains, the most allowed", api.Options.MaxDomainsPerUser,
                StatusCodes.Status409Conflict, "limit");
    }

    private static string Name(PullPreference preference) => preference switch
    {
        PullPreference.Immediately => "immediately",
        PullPreference.Ignore => "ignore",
        _ => "whenRequested",
    };

    private static bool TryParse(string? text, out PullPreference preference)
    {
        preference = text switch
        {
            "immediately" => PullPreference.Immediately,
            "whenRequested" => PullPreference.WhenRequested,
            "ignore" => PullPreference.Ignore,
            _ => (PullPreference)255,
        };
        return (byte)preference != 255;
    }
}
