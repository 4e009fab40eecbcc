using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Events;
using Tern.ClientApi.Http;
using Tern.ClientApi.Wire;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;
using Tern.Engine.Pending;

namespace Tern.ClientApi.Routes;

/// <summary>
/// The user's settings: who they are (with their devices and current key fingerprint), pull preferences and blocks per
/// sender domain; the hashes are <see cref="HashRoutes"/>'. A preference or block reaches the ingest at once: the next
/// datagram is judged by it (docs/CLIENT-API.md, "Settings").
/// </summary>
internal static class SettingsRoutes
{
    /// <summary>Largest JSON body a settings route reads.</summary>
    public const int MaxJsonBytes = 4096;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/me", Me).WithName("GetMe").WithTags("settings").Produces<UserInfo>();
        HashRoutes.Map(group);

        group.MapGet("/preferences", Preferences).WithName("ListPreferences").WithTags("settings").Produces<PreferenceList>();
        group.MapPut("/preferences/{senderDomain}", SetPreferenceAsync).WithName("SetPreference").WithTags("settings")
            .Accepts<PreferenceRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapDelete("/preferences/{senderDomain}", ClearPreference).WithName("ClearPreference").WithTags("settings")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapGet("/blocks", (HttpContext http, ClientApiContext api) => JsonAnswer.Of(new BlockList { Blocked = [.. api.Users.SettingsOf(CurrentUser.Get(http)).Blocked] }))
            .WithName("ListBlocks").WithTags("settings").Produces<BlockList>();
        group.MapPut("/blocks/{senderDomain}", (HttpContext http, ClientApiContext api, string senderDomain) => SetBlocked(http, api, senderDomain, true))
            .WithName("BlockDomain").WithTags("settings").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/blocks/{senderDomain}", (HttpContext http, ClientApiContext api, string senderDomain) => SetBlocked(http, api, senderDomain, false))
            .WithName("UnblockDomain").WithTags("settings").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static JsonAnswer<UserInfo> Me(HttpContext http, ClientApiContext api)
    {
        var user = CurrentUser.Get(http);
        var devices = 0;
        foreach (var device in api.Auth.Devices.List(user.Name))
        {
            devices += device.RevokedMs is null ? 1 : 0;
        }

        // The record the domain publishes now, as another domain's lookup would find it (docs/C2S.md §12): null when none is current.
        var address = (user.Address ?? "").ToLowerInvariant();
        var fingerprint = UserAddress.IsValid(System.Text.Encoding.UTF8.GetBytes(address)) ? api.Node.UserKeys.Current(address)?.Fingerprint.ToString() : null;
        return JsonAnswer.Of(new UserInfo
        {
            Name = user.Name,
            Address = user.Address ?? "",
            Hashes = [.. api.Users.HashesOf(user).Select(h => h.ToString())],
            Devices = devices,
            Fingerprint = fingerprint,
        });
    }

    private static JsonAnswer<PreferenceList> Preferences(HttpContext http, ClientApiContext api)
    {
        var list = new PreferenceList();
        foreach (var (domain, preference) in api.Users.SettingsOf(CurrentUser.Get(http)).Preferences)
        {
            list.Preferences.Add(new PreferenceItem { SenderDomain = domain, Pull = Name(preference) });
        }

        return JsonAnswer.Of(list);
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
