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
    }

    private static IResult IssueCode(HttpContext http, ClientApiContext api)
    {
        var (code, expires) = api.Auth.Devices.IssueCode(CurrentUser.Get(http).Name);
        return Results.Json(new CodeIssued { Code = code, Expires = Http.Wire.Time(expires) }, statusCode: StatusCodes.Status201Created);
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
