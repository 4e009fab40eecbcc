using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tern.ClientApi.Http;
using Tern.ClientApi.Users;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.ClientApi.Routes;

/// <summary>
/// What every change to a user's keys starts with (<see cref="KeyRoutes"/>): the caller's valid address, and a JSON object
/// body holding no field but <paramref name="Fields"/>'s. Owns the parsed body.
/// </summary>
internal sealed record KeyRequest(ClientUser User, string Address, JsonDocument Document, string[] Fields) : IDisposable
{
    /// <summary>The request's body.</summary>
    public JsonElement Body => Document.RootElement;

    /// <summary>Reads the request, or answers the problem that stops it: the address, the body, or a field it does not take.</summary>
    public static async Task<(KeyRequest? Request, IResult? Problem)> ReadAsync(HttpContext http, bool allowEmpty, params string[] fields)
    {
        var user = CurrentUser.Get(http);
        if (CanonicalAddress(user) is not { } address)
        {
            return (null, AddressProblem(user));
        }

        var (document, refused) = await JsonBody.ReadObjectAsync(http, allowEmpty).ConfigureAwait(false);
        if (refused is not null)
        {
            return (null, refused);
        }

        if (JsonBody.Unknown(document!.RootElement, fields) is { } unknown)
        {
            document.Dispose();
            return (null, Problems.Field(unknown, $"'{unknown}' is not a field of this request ({string.Join(", ", fields)})"));
        }

        return (new KeyRequest(user, address, document, fields), null);
    }

    /// <summary>The user's address in its canonical (lower-case) form, or null when the account's address is not a valid one.</summary>
    public static string? CanonicalAddress(ClientUser user)
    {
        var address = (user.Address ?? "").ToLowerInvariant();
        return address.Length is 0 or > UserAddress.MaxLength || address.Any(c => c > 127) || !UserAddress.IsValid(System.Text.Encoding.ASCII.GetBytes(address))
            ? null
            : address;
    }

    /// <summary>The answer to a user whose account's address is not a valid one.</summary>
    public static IResult AddressProblem(ClientUser user) =>
        Problems.Field("address", $"your account's address '{user.Address}' is not a valid user address (docs/PROTOCOL.md §14.1); the operator sets it with tern user add",
            status: StatusCodes.Status409Conflict, kind: "conflict");

    /// <inheritdoc />
    public void Dispose() => Document.Dispose();
}
