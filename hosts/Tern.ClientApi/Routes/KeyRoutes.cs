using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Http;
using Tern.ClientApi.Users;
using Tern.ClientApi.Wire;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.ClientApi.Routes;

/// <summary>
/// The user's own keys and the directory of other users' keys (docs/C2S.md §12, docs/PROTOCOL.md §14): the domain signs
/// and publishes the records; the fetch doors serve them to other domains.
/// </summary>
internal static class KeyRoutes
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/keys", Get).WithName("GetKeys").WithTags("keys")
            .Produces<KeyState>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/keys", PublishAsync).WithName("PublishKeys").WithTags("keys")
            .Accepts<KeyState>("application/json").Produces<KeyState>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapPost("/keys/rotate", RotateAsync).WithName("RotateKeys").WithTags("keys")
            .Accepts<KeyState>("application/json").Produces<KeyState>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapPost("/keys/revoke", RevokeAsync).WithName("RevokeKeys").WithTags("keys")
            .Accepts<KeyState>("application/json").Produces<KeyState>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/directory/{address}", DirectoryAsync).WithName("LookUpKeys").WithTags("keys")
            .Produces<DirectoryEntry>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway);
    }

    private static IResult Get(HttpContext http, ClientApiContext api)
    {
        var user = CurrentUser.Get(http);
        if (KeyRequest.CanonicalAddress(user) is not { } address)
        {
            return KeyRequest.AddressProblem(user);
        }

        return api.Node.UserKeys.BundleOf(address) is { } bundle
            ? JsonAnswer.Of(State(api, address, bundle, null))
            : Problems.NotFound("address", "no key record is published for you yet; POST /v1/keys");
    }

    private static async Task<IResult> PublishAsync(HttpContext http, ClientApiContext api)
    {
        var (request, problem) = await KeyRequest.ReadAsync(http, allowEmpty: false, "signingKey", "agreementKey", "generate").ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        using (request)
        {
            var (user, address, body) = (request.User, request.Address, request.Body);
            byte[]? signingSecret = null;
            byte[]? agreementSecret = null;
            Bytes32 signing, agreement;
            if (body.TryGetProperty("generate", out var generate) && generate.ValueKind == JsonValueKind.True)
            {
                // Only a domain that declares escrow may hold its users' secrets (docs/PROTOCOL.md §14.2).
                if (!api.Options.KeyEscrow)
                {
                    return Problems.Field("generate", "this domain does not hold users' keys (no escrow): generate a key pair on your device and send its public keys",
                        status: StatusCodes.Status403Forbidden, kind: "escrow-not-offered");
                }

                (signing, agreement, signingSecret, agreementSecret) = Generate();
            }
            else if (TryKeys(body, out signing, out agreement) is { } bad)
            {
                return bad;
            }

            try
            {
                var change = api.Node.UserKeys.Publish(address, signing, agreement, api.Options.KeyEscrow, api.Options.KeyRecordValidity);
                if (signingSecret is not null)
                {
                    // Escrow: the domain holds the secrets it generated (docs/PROTOCOL.md §14.2), beside the bundle, readable by the node alone.
                    var escrowDirectory = Path.Combine(api.Node.Options.DataDirectory, "user-keys", "escrow");
                    Directory.CreateDirectory(escrowDirectory);
                    Engine.Storage.AtomicFile.Write(Path.Combine(escrowDirectory, UserAddress.Hash(address) + ".key"), [.. signingSecret, .. agreementSecret!],
                        UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                await KeyChangedAsync(http, api, user, change).ConfigureAwait(false);
                var state = State(api, address, change.Bundle, change);
                state.SigningSecret = signingSecret is null ? null : Base64Url(signingSecret);
                state.AgreementSecret = agreementSecret is null ? null : Base64Url(agreementSecret);
                return JsonAnswer.Of(state, statusCode: StatusCodes.Status201Created);
            }
            catch (UserKeyPublishException e)
            {
                return Problems.Conflict("signingKey", e.Message);
            }
        }
    }

    private static async Task<IResult> RotateAsync(HttpContext http, ClientApiContext api)
    {
        var (request, problem) = await KeyRequest.ReadAsync(http, allowEmpty: false, "signingKey", "agreementKey").ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        using (request)
        {
            var (user, address, body) = (request.User, request.Address, request.Body);
            if (TryKeys(body, out var signing, out var agreement) is { } bad)
            {
                return bad;
            }

            try
            {
                var change = api.Node.UserKeys.Rotate(address, signing, agreement, api.Options.KeyEscrow, api.Options.KeyRecordValidity);
                await KeyChangedAsync(http, api, user, change).ConfigureAwait(false);
                return JsonAnswer.Of(State(api, address, change.Bundle, change));
            }
            catch (UserKeyPublishException e)
            {
                return Problems.Conflict("signingKey", e.Message);
            }
        }
    }

    private static async Task<IResult> RevokeAsync(HttpContext http, ClientApiContext api)
    {
        var (request, problem) = await KeyRequest.ReadAsync(http, allowEmpty: true, "reason").ConfigureAwait(false);
        if (request is null)
        {
            return problem!;
        }

        using (request)
        {
            var (user, address, body) = (request.User, request.Address, request.Body);
            var reason = RevocationReason.Compromised;
            if (body.TryGetProperty("reason", out var text) && (text.ValueKind != JsonValueKind.String || !TryReason(text.GetString(), out reason)))
            {
                return Problems.Field("reason", "'reason' is one of \"compromised\" (the default), \"retired\", \"unspecified\"; rotation supersedes through /v1/keys/rotate");
            }

            try
            {
                var change = api.Node.UserKeys.Revoke(address, reason);
                await KeyChangedAsync(http, api, user, change).ConfigureAwait(false);
                return JsonAnswer.Of(State(api, address, change.Bundle, change));
            }
            catch (UserKeyPublishException e)
            {
                return Problems.Conflict("address", e.Message);
            }
        }
    }

    private static async Task<IResult> DirectoryAsync(HttpContext http, ClientApiContext api, string address)
    {
        var normalized = (address ?? "").ToLowerInvariant();
        if (normalized.Length is 0 or > UserAddress.MaxLength || normalized.Any(c => c > 127)
            || !UserAddress.IsValid(System.Text.Encoding.ASCII.GetBytes(normalized)))
        {
            return Problems.Field("address", "an address is local@domain: a local part of 1–64 of a-z 0-9 . _ - + and a domain name (docs/PROTOCOL.md §14.1)", UserAddress.MaxLength);
        }

        var found = await api.Directory.FindAsync(normalized, http.RequestAborted).ConfigureAwait(false);
        if (!found.Found)
        {
            return found.Problem == "nothing is published for this address"
                ? Problems.NotFound("address", $"{normalized}'s domain publishes no key record for it")
                : Problems.Field("address", $"{normalized}'s keys could not be fetched: {found.Problem}", status: StatusCodes.Status502BadGateway, kind: "upstream");
        }

        return JsonAnswer.Of(new DirectoryEntry
        {
            Address = normalized,
            AddressHash = UserAddress.Hash(normalized).ToString(),
            Bundle = Base64Url(found.Bundle!),
            DomainSigningKey = found.DomainSigningKey.ToString(),
            Escrow = found.Escrow,
            Fetched = Http.Wire.Time(found.Fetched.ToUnixTimeMilliseconds()),
        });
    }

    private static KeyState State(ClientApiContext api, string address, byte[] bundle, UserKeyChange? change)
    {
        var current = api.Node.UserKeys.Current(address);
        return new KeyState
        {
            Address = address,
            AddressHash = UserAddress.Hash(address).ToString(),
            Fingerprint = current?.Fingerprint.ToString(),
            Escrow = current is { } record && (record.Flags & UserKeyFlags.Escrow) != 0,
            Previous = change is { Previous.IsZero: false } c ? c.Previous.ToString() : null,
            Reason = change?.Reason is { } reason ? ReasonName(reason) : null,
            Bundle = Base64Url(bundle),
        };
    }

    /// <summary>
    /// <c>key_changed</c> (docs/C2S.md §12, §15), on disk before the answer, so every device of the user learns that its
    /// record changed, and a device that did not make the change can raise the canary at once. The reason is
    /// <c>published</c> for a first record, <c>superseded</c> for a rotation, the revocation's reason otherwise.
    /// </summary>
    private static Task<ulong> KeyChangedAsync(HttpContext http, ClientApiContext api, ClientUser user, UserKeyChange change) =>
        api.Events.AppendAsync(user.Name, Events.UserEvents.KeyRecordChanged(
            change.Fingerprint.IsZero ? null : change.Fingerprint.ToString(),
            change.Previous.IsZero ? null : change.Previous.ToString(),
            change.Reason is { } reason ? ReasonName(reason) : "published"), http.RequestAborted);


    private static IResult? TryKeys(JsonElement body, out Bytes32 signing, out Bytes32 agreement)
    {
        agreement = default;
        if (!TryKey(body, "signingKey", out signing))
        {
            return Problems.Field("signingKey", "'signingKey' is the user's Ed25519 public key, 43 characters of base64url", Bytes32.TextLength);
        }

        if (!TryKey(body, "agreementKey", out agreement))
        {
            return Problems.Field("agreementKey", "'agreementKey' is the user's X25519 public key, 43 characters of base64url", Bytes32.TextLength);
        }

        return null;
    }

    private static bool TryKey(JsonElement body, string name, out Bytes32 key)
    {
        key = default;
        return body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && Bytes32.TryParse(value.GetString(), out key) && !key.IsZero;
    }

    private static (Bytes32, Bytes32, byte[], byte[]) Generate()
    {
        var signingSeed = new byte[32];
        var agreementSecret = new byte[32];
        System.Security.Cryptography.RandomNumberGenerator.Fill(signingSeed);
        System.Security.Cryptography.RandomNumberGenerator.Fill(agreementSecret);
        Span<byte> signing = stackalloc byte[32];
        Span<byte> agreement = stackalloc byte[32];
        Ed25519.PublicKeyFromSeed(signingSeed, signing);
        X25519.PublicKeyFromSecret(agreementSecret, agreement);
        return (new Bytes32(signing), new Bytes32(agreement), signingSeed, agreementSecret);
    }

    private static bool TryReason(string? text, out RevocationReason reason)
    {
        reason = text switch
        {
            "compromised" => RevocationReason.Compromised,
            "retired" => RevocationReason.Retired,
            "unspecified" => RevocationReason.Unspecified,
            _ => (RevocationReason)255,
        };
        return reason != (RevocationReason)255;
    }

    private static string ReasonName(RevocationReason reason) => reason switch
    {
        RevocationReason.Superseded => "superseded",
        RevocationReason.Compromised => "compromised",
        RevocationReason.Retired => "retired",
        _ => "unspecified",
    };

    private static string Base64Url(byte[] bytes) => Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Encode(bytes);
}
