using System.Net;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Fetch.Tests;

/// <summary>
/// The domain's own descriptor at <c>/.well-known/tern</c> (docs/PROTOCOL.md §6.2) on Tern's HTTP/1.1 door and on
/// Kestrel's (HTTP/1.1 and h2c): nothing before it is published, the signed document byte for byte after, cacheable
/// for the configured age but never past its <c>expires_at</c>, replaced whole by the next publication, gone once
/// expired; only GET and HEAD.
/// </summary>
public sealed class WellKnownDoorTests : IAsyncLifetime, IDisposable
{
    private readonly DomainKeySet _domain = DomainKeySet.Generate("a.example");
    private FetchFixture _fetch = null!;

    public async Task InitializeAsync() => _fetch = await FetchFixture.StartAsync();

    public async Task DisposeAsync() => await _fetch.DisposeAsync();

    public void Dispose() => _domain.Dispose();

    [Fact]
    public async Task Every_http_door_serves_the_published_descriptor_and_its_replacement_with_a_max_age_bounded_by_its_expiry()
    {
        foreach (var door in Doors())
        {
            using var none = await GetAsync(door, HttpMethod.Get);
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }

        var first = Sign(["udp://192.0.2.10:7400"], TimeSpan.FromDays(1));
        _fetch.Server.Doors.PublishDescriptor(first.Document, first.Descriptor.ExpiresAt, TimeSpan.FromMinutes(5));
        foreach (var door in Doors())
        {
            using var response = await GetAsync(door, HttpMethod.Get);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromMinutes(5), response.Headers.CacheControl?.MaxAge);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(first.Document, body);
            Assert.True(SignedDescriptor.Verify(body, "a.example", DateTimeOffset.UtcNow, [Bytes32.Parse(_domain.Fingerprint)]).IsValid);

            using var head = await GetAsync(door, HttpMethod.Head);
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(first.Document.Length, head.Content.Headers.ContentLength);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());

            using var post = await GetAsync(door, HttpMethod.Post);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        }

        // A moved endpoint: the next document replaces the first on every door; one that expires in 90 s is cacheable for 90 s at most.
        var moved = Sign(["udp://192.0.2.20:7400"], TimeSpan.FromSeconds(90));
        _fetch.Server.Doors.PublishDescriptor(moved.Document, moved.Descriptor.ExpiresAt, TimeSpan.FromMinutes(5));
        foreach (var door in Doors())
        {
            using var response = await GetAsync(door, HttpMethod.Get);
            Assert.Equal(moved.Document, await response.Content.ReadAsByteArrayAsync());
            Assert.InRange(response.Headers.CacheControl!.MaxAge!.Value, TimeSpan.FromSeconds(80), TimeSpan.FromSeconds(90));
        }
    }

    [Fact]
    public async Task An_expired_descriptor_is_not_served()
    {
        var lapsed = Sign(["udp://192.0.2.10:7400"], TimeSpan.FromSeconds(1));
        _fetch.Server.Doors.PublishDescriptor(lapsed.Document, lapsed.Descriptor.ExpiresAt, TimeSpan.FromMinutes(5));
        await Task.Delay(lapsed.Descriptor.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100));
        foreach (var door in Doors())
        {
            using var response = await GetAsync(door, HttpMethod.Get);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    private Uri[] Doors() => [_fetch.Http, _fetch.HttpKestrel, _fetch.H2c];

    private (byte[] Document, DomainDescriptor Descriptor) Sign(string[] notify, TimeSpan validity)
    {
        var descriptor = DomainDescriptor.For(_domain, notify, ["tern+tcp://192.0.2.10:7401"], validity);
        return (SignedDescriptor.Sign(descriptor, _domain), descriptor);
    }

    private async Task<HttpResponseMessage> GetAsync(Uri door, HttpMethod method)
    {
        using var http = new HttpClient { BaseAddress = door };
        using var request = new HttpRequestMessage(method, "/.well-known/tern");
        if (door == _fetch.H2c)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        return await http.SendAsync(request);
    }
}
