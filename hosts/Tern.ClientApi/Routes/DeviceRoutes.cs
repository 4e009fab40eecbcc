using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Auth;
using Tern.ClientApi.Events;
using Tern.ClientApi.Http;
using Tern.ClientApi.Wire;

namespace Tern.ClientApi.Routes;

/// <summary>
/// A user's devices (docs/C2S.md §5): codes to enrol another, the list, revocation. A revoked device's token and every
/// session it opened stop working at the next request (the bearer filter checks the device on each).
/// </summary>
internal static class DeviceRoutes
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/devices/codes", IssueCode).WithName("IssueEnrolmentCode").WithTags("devices").Produces<CodeIssued>(StatusCodes.Status201Created);
        group.MapGet("/devices", List).WithName("ListDevices").WithTags("devices").Produces<DeviceList>(StatusCodes.Status200OK, "application/json", Http.Wire.MessagePackType);
        group.MapDelete("/devices/{deviceId}", RevokeAsync).WithName("RevokeDevice").WithTags("devices")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/me/password", SetPasswordAsync).WithName("SetPassword").WithTags("devices").Accepts<System.Text.Json.JsonElement>("application/json")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    /// <summary>Sets the password another device may enrol with (<c>{"password"}</c>, 8–1024 characters), stored as Argon2id.</summary>
    private static async Task<IResult> SetPasswordAsync(HttpContext http, ClientApiContext api)
    {
        if (!api.Options.AllowPasswords)
        {
            return Problems.Field("password", "this domain does not enrol devices with passwords", status: StatusCodes.Status403Forbidden, kind: "forbidden");
        }

        var (json, bad) = await JsonBody.ReadAsync(http.Request).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        string? password;
        using (json)
        {
            var body = json!.RootElement;
            if (JsonBody.Unknown(body, "password") is { } unknown)
            {
                return Problems.Field(unknown, $"'{unknown}' is not a member of a password change (password)");
            }

            if (!JsonBody.TryString(body, "password", out password) || password is null || password.Length is < PasswordHash.MinLength or > PasswordHash.MaxLength)
            {
                return Problems.Field("password", $"the password is {PasswordHash.MinLength}–{PasswordHash.MaxLength} characters", PasswordHash.MaxLength);
            }
        }

        // Argon2id takes 64 MiB and most of a core for a while: off the request thread's way.
        var user = CurrentUser.Get(http).Name;
        await Task.Run(() => api.Auth.Devices.SetPassword(user, password)).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static JsonAnswer<CodeIssued> IssueCode(HttpContext http, ClientApiContext api)
    {
        var (code, expires) = api.Auth.Devices.IssueCode(CurrentUser.Get(http).Name);
        return JsonAnswer.Of(new CodeIssued { Code = code, Expires = Http.Wire.Time(expires) }, statusCode: StatusCodes.Status201Created);
    }

    private static IResult List(HttpContext http, ClientApiContext api)
    {
        var current = CurrentDevice.Get(http);
        var list = new DeviceList();
        foreach (var device in api.Auth.Devices.List(CurrentUser.Get(http).Name))
        {
            list.Devices.Add(new DeviceItem
            {
                DeviceId = device.Id,
                Name = device.Name,
                Kind = device.Kind,
                Created = Http.Wire.Time(device.CreatedMs),
                Revoked = device.RevokedMs is not null,
                Operator = device.Operator,
                Current = device.Id == current,
            });
        }

        return Http.Wire.Bulk(http.Request, list);
    }

    private static async Task<IResult> RevokeAsync(HttpContext http, ClientApiContext api, string deviceId)
    {
        var user = CurrentUser.Get(http).Name;
        if (api.Auth.Devices.Revoke(user, deviceId) is not { } device)
        {
            return Problems.NotFound("deviceId", "no enrolled device of yours has this id");
        }

        await api.Events.AppendAsync(user, UserEvents.DeviceStateChanged(device.Id, device.Name, device.Kind, revoked: true), http.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }
}
