using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Auth;
using Tern.ClientApi.Events;
using Tern.ClientApi.Http;
using Tern.ClientApi.Wire;

namespace Tern.ClientApi.Routes;

/// <summary>
/// Device enrolment and sessions (docs/C2S.md §5): the unauthenticated <c>POST /v1/devices</c> and
/// <c>POST /v1/sessions</c>, rate limited per source address and per account, answered <c>429 rate-limited</c> with
/// <c>Retry-After</c>; a failure never says whether the user exists.
/// </summary>
internal static class AuthRoutes
{
    public const int MaxNameLength = 64;

    public static void MapOpen(RouteGroupBuilder open)
    {
        open.MapPost("/devices", EnrolAsync).WithName("EnrolDevice").WithTags("devices")
            .Accepts<JsonElement>("application/json")
            .Produces<DeviceEnrolled>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status429TooManyRequests);
        open.MapPost("/sessions", OpenSession).WithName("OpenSession").WithTags("devices")
            .Produces<SessionOpened>().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    private static async Task<IResult> EnrolAsync(HttpContext http, ClientApiContext api)
    {
        var auth = api.Auth;
        if (auth.Limiter.TrySource(http.Connection.RemoteIpAddress) is { } wait)
        {
            return Limited(http, "the source address", wait);
        }

        var (document, bad) = await JsonBody.ReadAsync(http.Request).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        string? code, address, password, name, kind;
        using (document)
        {
            var body = document!.RootElement;
            if (JsonBody.Unknown(body, "code", "address", "password", "name", "kind") is { } unknown)
            {
                return Problems.Field(unknown, $"'{unknown}' is not a member of an enrolment (code, address, password, name, kind)");
            }

            foreach (var member in new[] { "code", "address", "password", "name", "kind" })
            {
                if (!JsonBody.TryString(body, member, out _))
                {
                    return Problems.Field(member, $"'{member}' is a string");
                }
            }

            JsonBody.TryString(body, "code", out code);
            JsonBody.TryString(body, "address", out address);
            JsonBody.TryString(body, "password", out password);
            JsonBody.TryString(body, "name", out name);
            JsonBody.TryString(body, "kind", out kind);
        }

        name ??= "device";
        kind ??= DeviceKinds.Native;
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
        {
            return Problems.Field("name", $"the device name is 1–{MaxNameLength} characters without control characters", MaxNameLength);
        }

        if (!DeviceKinds.IsKnown(kind))
        {
            return Problems.Field("kind", "'kind' is one of \"native\", \"gateway\", \"minimal\"");
        }

        string? user;
        if (code is not null)
        {
            if (address is not null || password is not null)
            {
                return Problems.Field("code", "send either a code or an address and password, not both");
            }

            user = auth.Devices.Redeem(code);
            if (user is null)
            {
                return Problems.Unauthorized("the code is unknown, used or expired");
            }
        }
        else if (address is not null && password is not null)
        {
            if (!auth.Options.AllowPasswords)
            {
                return Problems.Field("password", "this domain does not enrol devices with passwords: use an enrolment code", status: StatusCodes.Status403Forbidden, kind: "forbidden");
            }

            var account = address.ToLowerInvariant();
            if (auth.Limiter.TryAccount(account) is { } accountWait)
            {
                return Limited(http, "the account", accountWait);
            }

            user = auth.Users.ByAddress(address)?.Name;
            if (password.Length > PasswordHash.MaxLength || !auth.Devices.VerifyPassword(user, password))
            {
                auth.Limiter.Failed(account);
                return Problems.Unauthorized("the address and password do not match");
            }
        }
        else
        {
            return Problems.Field("code", "send a one-time 'code', or an 'address' and 'password'");
        }

        var (device, token) = auth.Devices.Enrol(user!, name, kind);
        await api.Events.AppendAsync(user!, UserEvents.DeviceStateChanged(device.Id, device.Name, device.Kind, revoked: false), http.RequestAborted).ConfigureAwait(false);
        return Results.Created($"/v1/devices/{device.Id}", new DeviceEnrolled { DeviceId = device.Id, DeviceToken = token, Name = device.Name, Kind = device.Kind });
    }

    private static IResult OpenSession(HttpContext http, ClientApiContext api)
    {
        var auth = api.Auth;
        if (auth.Limiter.TrySource(http.Connection.RemoteIpAddress) is { } wait)
        {
            return Limited(http, "the source address", wait);
        }

        var header = http.Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Unauthorized("send the device token as 'Authorization: Bearer <token>'");
        }

        var token = value.AsSpan(7).Trim();
        if (auth.DeviceOf(token) is not { } device)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Problems.Unauthorized("the device token is not one of an enrolled device (revoked, mistyped or never issued)");
        }

        var (session, expires) = auth.Sessions.Open(device, auth.Options.SessionLifetime);
        return JsonAnswer.Of(new SessionOpened
        {
            SessionToken = session,
            Expires = Http.Wire.Time(expires),
            DeviceId = device.Id,
            Capabilities = Capabilities.Document(api),
        });
    }

    internal static IResult Limited(HttpContext http, string what, int seconds)
    {
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Field("Retry-After", $"too many attempts from {what}: try again in {seconds} s", seconds, StatusCodes.Status429TooManyRequests, "rate-limited");
    }
}
