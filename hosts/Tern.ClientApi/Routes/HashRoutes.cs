using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Events;
using Tern.ClientApi.Http;
using Tern.ClientApi.Users;
using Tern.ClientApi.Wire;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Routes;

/// <summary>
/// The recipient hashes a user watches (docs/C2S.md §10): <c>PUT /v1/hashes/{hash}</c> with <c>{"kind", "expires"?}</c>
/// registers one (or renews it), at most <see cref="ClientApiOptions.MaxHashesPerUser"/>; a registration past its expiry
/// is gone for every route and the ingest at once, and the sweep frees the hash and tells the user's devices.
/// </summary>
internal static class HashRoutes
{
    /// <summary>The furthest expiry a registration may have, in days; beyond it, register without one.</summary>
    public const int MaxLifetimeDays = 3650;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/hashes", List).WithName("ListHashes").WithTags("settings").Produces<HashList>(StatusCodes.Status200OK, "application/json", Http.Wire.MessagePackType);
        group.MapPut("/hashes/{hash}", RegisterAsync).WithName("RegisterHash").WithTags("settings")
            .Accepts<HashRegistrationRequest>("application/json")
            .Produces(StatusCodes.Status201Created).Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapDelete("/hashes/{hash}", UnregisterAsync).WithName("UnregisterHash").WithTags("settings")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult List(HttpContext http, ClientApiContext api)
    {
        var list = new HashList();
        foreach (var (hash, registration) in api.Users.RegistrationsOf(CurrentUser.Get(http)))
        {
            var text = hash.ToString();
            list.Hashes.Add(text);
            list.Registrations.Add(new HashItem { Hash = text, Kind = registration.Kind, Expires = Expires(registration) });
        }

        return Http.Wire.Bulk(http.Request, list);
    }

    private static async Task<IResult> RegisterAsync(HttpContext http, ClientApiContext api, string hash)
    {
        if (!RecipientHash.TryParse(hash, out var recipient))
        {
            return Problems.Field("hash", "the recipient hash is 43 characters of base64url (32 bytes)", 43);
        }

        // No body registers a pairwise hash without expiry, as before kinds existed.
        var (json, bad) = await JsonBody.ReadObjectAsync(http, allowEmpty: true).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        RegisteredHash registration;
        using (json)
        {
            if (Parse(json!.RootElement, api.NowMs, out registration) is { } refused)
            {
                return refused;
            }
        }

        var user = CurrentUser.Get(http);
        var outcome = api.Users.RegisterHash(user, recipient, registration);
        if (outcome is HashRegistration.Added or HashRegistration.Updated)
        {
            if (outcome == HashRegistration.Added)
            {
                api.Policies.Registered(user.Name, recipient);
            }

            await api.Events.AppendAsync(user.Name, UserEvents.HashChanged(recipient.ToString(), registered: true, registration.Kind, Expires(registration)), http.RequestAborted)
                .ConfigureAwait(false);
            if (outcome == HashRegistration.Added)
            {
                await TellWaitingAsync(http, api, user.Name, recipient).ConfigureAwait(false);
            }
        }

        return outcome switch
        {
            HashRegistration.Added => Results.Created($"/v1/hashes/{hash}", null),
            HashRegistration.AlreadyOwned or HashRegistration.Updated => Results.NoContent(),
            HashRegistration.Full => Problems.Field("hash", $"you hold {api.Options.MaxHashesPerUser} recipient hashes, the most allowed", api.Options.MaxHashesPerUser,
                StatusCodes.Status409Conflict, "limit"),
            _ => Problems.Conflict("hash", "this recipient hash is taken"),
        };
    }

    /// <summary>
    /// <c>received</c> for each reference the table already held under a hash just registered (the ingest told nobody: the
    /// hash was no one's), on disk before the answer, so that the log, and the listing across hashes it orders, hold every
    /// reference of the user's hashes. A reference filed in the instant of the registration may be told twice; clients
    /// apply <c>received</c> by capability. At most the table's per-hash bound of events.
    /// </summary>
    private static async Task TellWaitingAsync(HttpContext http, ClientApiContext api, string user, RecipientHash hash)
    {
        UserEvent? last = null;
        var cursor = 0UL;
        while (true)
        {
            var page = api.Node.Pending.Poll(hash, cursor, PendingTable.MaxPollLimit);
            foreach (var reference in page.References)
            {
                if (last is not null)
                {
                    api.Events.Append(user, last);
                }

                last = ReceivedEvents.Of(hash, reference);
            }

            if (!page.HasMore)
            {
                break;
            }

            cursor = page.NextCursor;
        }

        // The log commits a user's events in order: the last on disk means all are.
        if (last is not null)
        {
            await api.Events.AppendAsync(user, last, http.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>The body's kind (default pairwise) and optional expiry, or the problem naming the member and its bound.</summary>
    private static IResult? Parse(JsonElement body, long nowMs, out RegisteredHash registration)
    {
        registration = RegisteredHash.Default;
        if (JsonBody.Unknown(body, "kind", "expires") is { } unknown)
        {
            return Problems.Field(unknown, $"'{unknown}' is not a member of a registration (kind, expires)");
        }

        if (!JsonBody.TryString(body, "kind", out var kind) || (kind is not null && !HashKinds.IsKnown(kind)))
        {
            return Problems.Field("kind", $"'kind' is one of {HashKinds.List}");
        }

        if (!JsonBody.TryString(body, "expires", out var expires))
        {
            return Problems.Field("expires", "'expires' is an RFC 3339 time, or null for none", ExpiryLimit);
        }

        long? expiresMs = null;
        if (expires is not null)
        {
            if (!Fields.TryTime(expires, out var time))
            {
                return Problems.Field("expires", "'expires' is an RFC 3339 time with its offset (2026-12-07T12:00:00Z)", ExpiryLimit);
            }

            var ms = time.ToUnixTimeMilliseconds();
            if (ms <= nowMs || ms - nowMs > MaxLifetimeDays * 86_400_000L)
            {
                return Problems.Field("expires", $"'expires' is in the future and at most {MaxLifetimeDays} days ahead (leave it out for a registration that does not lapse)", ExpiryLimit);
            }

            expiresMs = ms;
        }

        registration = new RegisteredHash(kind ?? HashKinds.Default, expiresMs);
        return null;
    }

    private static object ExpiryLimit => new Dictionary<string, string>(StringComparer.Ordinal) { ["min"] = "PT0S", ["max"] = "P3650D" };

    private static string? Expires(RegisteredHash registration) => registration.ExpiresMs is { } ms ? Http.Wire.Time(ms) : null;

    private static async Task<IResult> UnregisterAsync(HttpContext http, ClientApiContext api, string hash)
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
}
