using System.Collections.Concurrent;
using System.Net;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Protocol.UserKeys;
using Tern.Engine.Pull;
using Tern.Node;
using Tern.Transports.Fetch.Client;

namespace Tern.ClientApi.Keys;

/// <summary>
/// The directory proxy (docs/C2S.md §12): finds another user's key bundle at that user's domain over S2S
/// (docs/PROTOCOL.md §14.4: the framed <c>user_keys_request</c> or the HTTPS path, whichever the domain's descriptor
/// lists first) and keeps it for <see cref="ClientApiOptions.DirectoryCacheTime"/>. The node's own users are answered
/// from its published keys. A bundle that does not parse, or is not signed by the descriptor's key, is not passed on.
/// </summary>
internal sealed class KeyDirectory : IDisposable
{
    private readonly TernNode _node;
    private readonly IDescriptorResolver _descriptors;
    private readonly TimeSpan _cacheTime;
    private readonly TimeProvider _time;
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);

    public KeyDirectory(TernNode node, IDescriptorResolver descriptors, TimeSpan cacheTime, TimeProvider time)
    {
        _node = node;
        _descriptors = descriptors;
        _cacheTime = cacheTime;
        _time = time;
    }

    /// <summary>The bundle, the domain key it must be signed by, and the domain's escrow; Found false with a reason when there is none.</summary>
    public async Task<Lookup> FindAsync(string address, CancellationToken cancellationToken)
    {
        var domain = UserAddress.DomainOf(address);
        var hash = UserAddress.Hash(address);
        var now = _time.GetUtcNow();
        if (string.Equals(domain, DomainName.Normalize(_node.Domain), StringComparison.Ordinal))
        {
            // Current re-signs a bundle a key rotation has not reached yet (docs/PROTOCOL.md §16.4): the key named is the one it is signed with.
            _ = _node.UserKeys.Current(address);
            return _node.UserKeys.BundleOf(address) is { } own
                ? new Lookup(true, own, new Bytes32(_node.Keys.SigningPublicKey), false, now, null)
                : new Lookup(false, null, default, false, now, "nothing is published for this address");
        }

        if (_cache.TryGetValue(address, out var cached) && cached.Until > now)
        {
            return cached.Answer;
        }

        var descriptor = await _descriptors.ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
        if (descriptor is null)
        {
            return new Lookup(false, null, default, false, now, $"{domain} could not be resolved");
        }

        string? problem = null;
        var revalidated = false;
        foreach (var door in descriptor.Fetch)
        {
            (MetaStatus Status, byte[]? Bundle) answer;
            try
            {
                answer = await AskAsync(door, hash, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException or System.Net.Sockets.SocketException or FetchGoAwayException or TimeoutException
                                          or System.Security.Authentication.AuthenticationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                problem = $"{door}: {e.Message}";
                continue;
            }

            if (answer.Status == MetaStatus.NotFound)
            {
                var missing = new Lookup(false, null, default, descriptor.Escrow, now, "nothing is published for this address");
                _cache[address] = new Entry(missing, now + _cacheTime);
                return missing;
            }

            if (answer.Status != MetaStatus.Ok || answer.Bundle is null)
            {
                problem = $"{door}: status {answer.Status}";
                continue;
            }

            // The node proxies and does not vouch (docs/C2S.md §12), but it passes on nothing another domain could not have signed.
            if (!UserKeyBundle.TryParse(answer.Bundle, out var bundle, out var error, out _))
            {
                problem = $"{door}: the bundle is malformed ({error})";
                continue;
            }

            var signer = SignerFor(bundle!, descriptor, address, now);
            if (signer is null && !revalidated && _descriptors is IDescriptorRevalidation revalidation)
            {
                // Signed by a key the cached descriptor does not name: the domain may have rotated its keys since (§16.4),
                // so its descriptor is asked again, within discovery's bound on such lookups.
                revalidated = true;
                if (await revalidation.RevalidateAsync(domain, cancellationToken).ConfigureAwait(false) is { } fresh)
                {
                    descriptor = fresh;
                    signer = SignerFor(bundle!, descriptor, address, now);
                }
            }

            if (signer is not { } domainKey)
            {
                problem = $"{door}: the bundle is not signed by {domain}'s key for this address";
                continue;
            }

            var found = new Lookup(true, answer.Bundle, domainKey, descriptor.Escrow, now, null);
            _cache[address] = new Entry(found, now + _cacheTime);
            return found;
        }

        return new Lookup(false, null, default, descriptor.Escrow, now, problem ?? $"{domain}'s descriptor lists no fetch door");
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// The domain key <paramref name="bundle"/> is signed with when the descriptor vouches for it: its <c>signing_key</c>, or —
    /// in a rotation's window — its <c>previous_signing_key</c> (docs/PROTOCOL.md §16.4); else null.
    /// </summary>
    private static Bytes32? SignerFor(UserKeyBundle bundle, Engine.Protocol.Descriptor.DomainDescriptor descriptor, string address, DateTimeOffset now)
    {
        if (SignedBy(bundle, descriptor.SigningKey, address))
        {
            return descriptor.SigningKey;
        }

        return descriptor.PreviousSigningKey is { } previous && descriptor.PreviousUntil is { } until && now < until && SignedBy(bundle, previous, address)
            ? previous
            : null;
    }

    private static bool SignedBy(UserKeyBundle bundle, Bytes32 domainKey, string address)
    {
        foreach (var record in bundle.Records)
        {
            if (record.DomainSigningKey != domainKey || !string.Equals(record.Address, address, StringComparison.Ordinal))
            {
                return false;
            }
        }

        foreach (var revocation in bundle.Revocations)
        {
            if (revocation.DomainSigningKey != domainKey || !string.Equals(revocation.Address, address, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private async Task<(MetaStatus, byte[]?)> AskAsync(string door, Bytes32 hash, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(door, UriKind.Absolute, out var uri) || uri.Port <= 0)
        {
            throw new IOException("not a usable fetch URI");
        }

        var loopback = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
        var plain = loopback && _node.Options.AllowPlainTextFetchOnLoopback;
        switch (uri.Scheme)
        {
            case "tern+tcp":
                await using (var client = await FramedFetchClient.ConnectAsync(uri.IdnHost, uri.Port, new FramedFetchClientOptions { Tls = !plain }, cancellationToken).ConfigureAwait(false))
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    return await client.LookupUserKeysAsync(hash, timeout.Token).ConfigureAwait(false);
                }

            case "https":
            case "http" when plain:
                using (var response = await _http.GetAsync(new Uri(uri, "/v1/user-keys/" + hash), cancellationToken).ConfigureAwait(false))
                {
                    if (response.StatusCode == HttpStatusCode.NotFound)
                    {
                        return (MetaStatus.NotFound, null);
                    }

                    if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > UserKeyBundle.MaxSize)
                    {
                        return (MetaStatus.Busy, null);
                    }

                    return (MetaStatus.Ok, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
                }

            default:
                throw new IOException("a scheme this node does not speak");
        }
    }

    /// <summary>One answer.</summary>
    public readonly record struct Lookup(bool Found, byte[]? Bundle, Bytes32 DomainSigningKey, bool Escrow, DateTimeOffset Fetched, string? Problem);

    private readonly record struct Entry(Lookup Answer, DateTimeOffset Until);
}
