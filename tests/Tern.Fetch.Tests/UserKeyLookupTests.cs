using System.Net;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Protocol.UserKeys;
using Tern.Transports.Fetch.Client;

namespace Tern.Fetch.Tests;

/// <summary>
/// The key lookup on every door (docs/PROTOCOL.md §14.4): the HTTP path on Tern's own HTTP/1.1 door and on Kestrel's
/// (HTTP/1.1 and h2c), the framed <c>user_keys_request</c>; the bytes are the published bundle exactly; a revoked record
/// travels only with its revocation; unknown, malformed and hostile requests get the section's answers.
/// </summary>
public sealed class UserKeyLookupTests : IAsyncLifetime, IDisposable
{
    private const string Bob = "bob@a.example";
    private readonly TempDirectory _keys = new("user-keys");
    private readonly DomainKeySet _domain = DomainKeySet.Generate("a.example");
    private FetchFixture _fetch = null!;
    private PublishedUserKeys _published = null!;

    public async Task InitializeAsync()
    {
        _fetch = await FetchFixture.StartAsync();
        _published = new PublishedUserKeys(_keys.Path, _domain);
        _fetch.Server.Doors.UserKeys = _published;
    }

    public async Task DisposeAsync() => await _fetch.DisposeAsync();

    public void Dispose()
    {
        _domain.Dispose();
        _keys.Dispose();
    }

    [Fact]
    public async Task Every_door_serves_the_published_bundle_byte_for_byte_and_a_revoked_record_only_with_its_revocation()
    {
        var first = _published.Publish(Bob, Bytes32.Random(), Bytes32.Random(), escrow: false, TimeSpan.FromDays(1));
        var rotated = _published.Rotate(Bob, Bytes32.Random(), Bytes32.Random(), escrow: false, TimeSpan.FromDays(1));
        var hash = UserAddress.Hash(Bob);
        foreach (var door in new[] { _fetch.Http, _fetch.HttpKestrel, _fetch.H2c })
        {
            using var http = new HttpClient { BaseAddress = door };
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/user-keys/{hash}");
            if (door == _fetch.H2c)
            {
                request.Version = HttpVersion.Version20;
                request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            }

            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/vnd.tern.user-keys", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(300), response.Headers.CacheControl?.MaxAge);
            Assert.Equal(rotated.Bundle, await response.Content.ReadAsByteArrayAsync());
        }

        await using (var client = await FramedFetchClient.ConnectAsync(_fetch.Framed, new FramedFetchClientOptions { Tls = false }))
        {
            var (status, bundle) = await client.LookupUserKeysAsync(hash);
            Assert.Equal(MetaStatus.Ok, status);
            Assert.Equal(rotated.Bundle, bundle);

            // The connection goes on: a fetch after the lookup, a lookup of nobody.
            Assert.Equal(MetaStatus.NotFound, (await client.LookupUserKeysAsync(UserAddress.Hash("nobody@a.example"))).Status);
            Assert.Equal(MetaStatus.NotFound, (await client.HeadAsync(FetchCapability.NewRandom())).Status);
        }

        // What a client makes of it (§14.5): the old record revoked by the rotation, the new one current.
        Assert.True(UserKeyBundle.TryParse(rotated.Bundle, out var parsed, out _, out _));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(UserKeyVerdict.Valid, parsed!.Current(new Bytes32(_domain.SigningPublicKey), Bob, now, out var current));
        Assert.Equal(rotated.Fingerprint, current.Fingerprint);
        var old = Assert.Single(parsed.Records, r => r.Fingerprint == first.Fingerprint);
        Assert.Equal(UserKeyVerdict.Revoked, old.Check(new Bytes32(_domain.SigningPublicKey), Bob, now, parsed.Revocations));
        var revocation = Assert.Single(parsed.Revocations);
        Assert.Equal(RevocationReason.Superseded, revocation.Reason);
        Assert.Equal(rotated.Fingerprint, revocation.ReplacementFingerprint);

        // Reopened from its files (a restart): the same bytes.
        Assert.True(new PublishedUserKeys(_keys.Path, _domain).TryGetBundle(hash, out var reloaded));
        Assert.Equal(rotated.Bundle, reloaded.ToArray());
    }

    [Fact]
    public async Task The_lookup_vectors_round_trip_through_the_framed_and_http_doors()
    {
        using var vector = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "vectors", "user-keys.json")));
        var root = vector.RootElement;
        var lookup = root.GetProperty("lookup");
        var bundle = Convert.FromHexString(root.GetProperty("bundle").GetProperty("bytes").GetString()!);
        var addressHash = new Bytes32(Convert.FromHexString(root.GetProperty("address_hash").GetString()!));
        _fetch.Server.Doors.UserKeys = new FixedLookup(addressHash, bundle);

        using (var raw = await RawFramedConnection.ConnectAsync(_fetch.Framed))
        {
            var notFound = Convert.FromHexString(lookup.GetProperty("not_found_frame").GetString()!);
            var otherRequest = RawFramedConnection.Frame(32, BinaryHeader(notFound).Stream, 0x0B, 0, new byte[32]);
            await raw.SendAsync([.. RawFramedConnection.Preface(), .. Convert.FromHexString(lookup.GetProperty("request_frame").GetString()!), .. otherRequest]);
            foreach (var expected in new[] { Convert.FromHexString(lookup.GetProperty("answer_frame").GetString()!), notFound })
            {
                var frame = await raw.ReadFrameAsync();
                Assert.NotNull(frame);
                var (length, stream, type, flags) = BinaryHeader(expected);
                Assert.Equal((length, stream, type, flags), (frame.Value.Header.Length, frame.Value.Header.StreamId, (byte)frame.Value.Header.Type, (byte)frame.Value.Header.Flags));
                Assert.Equal(expected[10..], frame.Value.Payload);
            }
        }

        using var http = new HttpClient { BaseAddress = _fetch.Http };
        Assert.Equal(bundle, await http.GetByteArrayAsync(lookup.GetProperty("http_path").GetString()));
    }

    [Fact]
    public async Task Unknown_and_malformed_hashes_and_other_methods_get_the_sections_answers_on_both_http_1_doors()
    {
        foreach (var door in new[] { _fetch.Http, _fetch.HttpKestrel })
        {
            using var http = new HttpClient { BaseAddress = door };
            using var unknown = await http.GetAsync($"/v1/user-keys/{UserAddress.Hash("nobody@a.example")}");
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("no-store", unknown.Headers.CacheControl?.ToString());
            Assert.Empty(await unknown.Content.ReadAsByteArrayAsync());
            foreach (var bad in new[] { "short", new string('A', 44), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB", "%00" })
            {
                using var refused = await http.GetAsync($"/v1/user-keys/{bad}");
                Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{door} {bad}: {(int)refused.StatusCode}");
                Assert.Empty(await refused.Content.ReadAsByteArrayAsync());
            }

            using var post = await http.PostAsync($"/v1/user-keys/{UserAddress.Hash(Bob)}", new ByteArrayContent([1]));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        }
    }

    private static (uint Length, uint Stream, byte Type, byte Flags) BinaryHeader(byte[] frame) =>
        (System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(4)), frame[8], frame[9]);

    [Fact]
    public async Task A_lookup_is_answered_on_its_stream_by_one_frame_that_ends_it_and_a_cancel_on_it_is_ignored()
    {
        _published.Publish(Bob, Bytes32.Random(), Bytes32.Random(), escrow: false, TimeSpan.FromDays(1));
        using var raw = await RawFramedConnection.ConnectAsync(_fetch.Framed);
        var hash = UserAddress.Hash(Bob).ToArray();
        await raw.SendAsync([.. RawFramedConnection.Preface(), .. RawFramedConnection.Frame(32, 7, 0x0B, 0, hash), .. RawFramedConnection.Frame(0, 7, 0x04, 0)]);
        var answer = await raw.ReadFrameAsync();
        Assert.NotNull(answer);
        Assert.Equal(FrameType.UserKeys, answer.Value.Header.Type);
        Assert.Equal(7u, answer.Value.Header.StreamId);
        Assert.Equal(FrameFlags.EndStream, answer.Value.Header.Flags);
        Assert.Equal(0, answer.Value.Payload[0]);
        Assert.Equal(_published.BundleOf(Bob), answer.Value.Payload[1..]);
        Assert.False(await raw.SaysAnythingWithinAsync(TimeSpan.FromMilliseconds(300)));
    }

    private sealed class FixedLookup(Bytes32 hash, byte[] bundle) : IUserKeyLookup
    {
        public bool TryGetBundle(Bytes32 addressHash, out ReadOnlyMemory<byte> found)
        {
            found = addressHash == hash ? bundle : default;
            return addressHash == hash;
        }
    }
}
