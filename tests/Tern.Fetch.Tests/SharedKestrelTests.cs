using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Tern.Transports.Fetch;

namespace Tern.Fetch.Tests;

/// <summary>
/// The doors attached to listeners of an application's own Kestrel server, beside a listener of its ordinary routes:
/// each listener answers as what it was set up to be, whatever the request path.
/// </summary>
public sealed class SharedKestrelTests
{
    [Fact]
    public async Task Door_listeners_serve_blobs_and_the_other_listener_serves_the_app()
    {
        using var directory = new TempDirectory("shared-kestrel");
        await using var store = await Tern.Engine.Transit.TransitStore.OpenAsync(FetchFixture.StoreOptions(directory.Path));
        var options = new FetchServerOptions();
        var loopback = new IPEndPoint(IPAddress.Loopback, 0);
        var h2c = new FetchListener(FetchDoor.Http, loopback, tls: false) { HttpProtocols = HttpProtocols.Http2 };
        var http1 = new FetchListener(FetchDoor.Http, loopback, tls: false) { HttpProtocols = HttpProtocols.Http1 };
        options.Listeners.Add(h2c);
        options.Listeners.Add(http1);
        await using var doors = new FetchDoors(store, options);
        ListenOptions? appListener = null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseTernFetchTransport(options).ConfigureKestrel(kestrel =>
        {
            kestrel.ListenTernDoor(doors, h2c);
            kestrel.ListenTernDoor(doors, http1);
            kestrel.Listen(loopback, listen => appListener = listen);
        });
        builder.Services.AddRouting();
        await using var app = builder.Build();
        app.UseTernHttpDoorRequests();
        app.UseRouting();
        app.MapGet("/v1/blobs/{cap}", (string cap) => Results.Text("app " + cap));
        await app.StartAsync();
        doors.ListenersStarted();

        var content = FetchFixture.Bytes(10_000, 7);
        var request = new Tern.Engine.Transit.SubmissionRequest
        {
            Account = "alice",
            Recipients = [new Tern.Engine.Transit.TransitRecipient("b.example", Tern.Engine.Protocol.RecipientHash.NewRandom())],
            TransitExpiry = DateTimeOffset.UtcNow.AddDays(1),
            MimeHint = "message/tern",
        };
        var cap = (await store.SubmitAsync(request, new MemoryStream(content, writable: false))).Capabilities[0];

        using var client2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var viaH2c = await client2.GetAsync(new Uri($"http://127.0.0.1:{h2c.BoundEndPoint!.Port}/v1/blobs/{cap}"));
        Assert.Equal(HttpStatusCode.OK, viaH2c.StatusCode);
        Assert.Equal(content, await viaH2c.Content.ReadAsByteArrayAsync());

        using var client1 = new HttpClient();
        using var viaTern = await client1.GetAsync(new Uri($"http://127.0.0.1:{http1.BoundEndPoint!.Port}/v1/blobs/{cap}"));
        Assert.Equal(HttpStatusCode.OK, viaTern.StatusCode);
        Assert.Equal(content, await viaTern.Content.ReadAsByteArrayAsync());

        using var viaApp = await client1.GetAsync(new Uri($"http://127.0.0.1:{appListener!.IPEndPoint!.Port}/v1/blobs/{cap}"));
        Assert.Equal(HttpStatusCode.OK, viaApp.StatusCode);
        Assert.Equal("app " + cap, await viaApp.Content.ReadAsStringAsync());
        Assert.NotEqual(h2c.BoundEndPoint.Port, http1.BoundEndPoint.Port);

        await app.StopAsync();
    }
}
