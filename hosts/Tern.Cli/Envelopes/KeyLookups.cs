using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using Tern.Cli.Client;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Protocol.UserKeys;
using Tern.Transports.Fetch.Client;

namespace Tern.Cli.Envelopes;

/// <summary>
/// Where the CLI finds key records (docs/C2S.md §12): the user's own through the session (<c>/v1/me</c>,
/// <c>/v1/keys</c>), other users' through the directory proxy (<c>/v1/directory/{address}</c>), and the user's own again
/// through the public S2S lookup (docs/PROTOCOL.md §14.4) for the canary, which must not trust the session.
/// </summary>
internal static class KeyLookups
{
    /// <summary>A parsed bundle with the domain key its records must be signed by.</summary>
    public sealed record Found(string Address, UserKeyBundle Bundle, Bytes32 DomainSigningKey, bool DomainEscrow);

    public static async Task<string> MyAddressAsync(TernApi api, CancellationToken cancellationToken)
    {
        using var me = await api.GetJsonAsync("v1/me", cancellationToken).ConfigureAwait(false);
        return me.RootElement.GetProperty("address").GetString() ?? "";
    }

    /// <summary>The user's own current record as the node publishes it, checked against <paramref name="keys"/>.</summary>
    public static async Task<UserKeyRecord> MyRecordAsync(TernApi api, UserKeyFile keys, CancellationToken cancellationToken)
    {
        using var state = await api.GetJsonAsync("v1/keys", cancellationToken).ConfigureAwait(false);
        var root = state.RootElement;
        var address = root.GetProperty("address").GetString()!;
        var bundle = Parse(root.GetProperty("bundle").GetString(), "your node's /v1/keys");
        var domainKey = bundle.Records.Count > 0 ? bundle.Records[0].DomainSigningKey : bundle.Revocations[0].DomainSigningKey;
        var verdict = bundle.Current(domainKey, address, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), out var current);
        if (verdict != UserKeyVerdict.Valid)
        {
            throw new CliException($"your key record is not usable ({verdict}); publish or rotate with 'tern keys publish' / 'tern keys rotate'", ExitCodes.Error);
        }

        if (current.Fingerprint != keys.Fingerprint)
        {
            throw new CliException($"your domain publishes fingerprint {current.Fingerprint} for {address}, but --key holds {keys.Fingerprint}: run 'tern keys check'", ExitCodes.Error);
        }

        return current;
    }

    /// <summary>Another user's bundle through the directory proxy.</summary>
    public static async Task<Found> DirectoryAsync(TernApi api, string address, CancellationToken cancellationToken)
    {
        using var entry = await api.GetJsonAsync("v1/directory/" + Uri.EscapeDataString(address), cancellationToken).ConfigureAwait(false);
        var root = entry.RootElement;
        var bundle = Parse(root.GetProperty("bundle").GetString(), $"the directory's answer for {address}");
        if (!Bytes32.TryParse(root.GetProperty("domainSigningKey").GetString(), out var domainKey))
        {
            throw new CliException($"the directory's answer for {address} has no domain key", ExitCodes.Error);
        }

        return new Found(address, bundle, domainKey, root.TryGetProperty("escrow", out var escrow) && escrow.ValueKind == JsonValueKind.True);
    }

    /// <summary>
    /// The public lookup (§14.4) of <paramref name="address"/> at <paramref name="door"/> (<c>https://</c>, <c>http://</c>
    /// on loopback, or <c>tern+tcp://</c>): the bytes any other domain would get. Null when nothing is published.
    /// </summary>
    public static async Task<UserKeyBundle?> PublicLookupAsync(Uri door, string address, CancellationToken cancellationToken)
    {
        var hash = UserAddress.Hash(address);
        byte[]? bytes;
        if (door.Scheme == "tern+tcp")
        {
            var loopback = IPAddress.TryParse(door.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
            await using var client = await FramedFetchClient.ConnectAsync(door.IdnHost, door.Port, new FramedFetchClientOptions { Tls = !loopback }, cancellationToken).ConfigureAwait(false);
            var (status, bundle) = await client.LookupUserKeysAsync(hash, cancellationToken).ConfigureAwait(false);
            bytes = status == MetaStatus.Ok ? bundle : status == MetaStatus.NotFound ? null
                : throw new CliException($"{door}: the lookup answered {status}", ExitCodes.Error);
        }
        else
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var response = await http.GetAsync(new Uri(door, "/v1/user-keys/" + hash), cancellationToken).ConfigureAwait(false);
            bytes = response.StatusCode == HttpStatusCode.NotFound ? null
                : response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)
                : throw new CliException($"{door}: the lookup answered {(int)response.StatusCode}", ExitCodes.Error);
        }

        if (bytes is null)
        {
            return null;
        }

        return UserKeyBundle.TryParse(bytes, out var parsed, out var error, out _) ? parsed
            : throw new CliException($"{door}: the published bundle is malformed ({error})", ExitCodes.Error);
    }

    private static UserKeyBundle Parse(string? text, string where)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text ?? "");
        }
        catch (FormatException)
        {
            throw new CliException($"{where}: the bundle is not base64url", ExitCodes.Error);
        }

        return UserKeyBundle.TryParse(bytes, out var bundle, out var error, out _) ? bundle!
            : throw new CliException($"{where}: the bundle is malformed ({error})", ExitCodes.Error);
    }
}
