using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Tern.Discovery.Tests;

/// <summary>What <see cref="WellKnownServer"/> answers for one host.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The body.</param>
/// <param name="Delay">How long to wait before answering.</param>
/// <param name="CacheControl">A <c>Cache-Control</c> value, if any.</param>
public sealed record WellKnownAnswer(int Status, byte[] Body, TimeSpan Delay = default, string? CacheControl = null)
{
    /// <summary>The <c>Content-Type</c>. Defaults to <c>application/json</c>.</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>A <c>Location</c> (for redirects), if any.</summary>
    public string? Location { get; init; }

    /// <summary>When set, the body is written one byte at a time with this pause between bytes (a slowloris server).</summary>
    public TimeSpan Trickle { get; init; }

    public static WellKnownAnswer Document(byte[] document) => new(200, document);
}

/// <summary>
/// Kestrel serving <c>https://&lt;host&gt;/.well-known/tern</c> on 127.0.0.1, port 0, with a certificate the test CA issued:
/// each host (from the request's Host) gets the answer the test set, and its requests are counted.
/// </summary>
public sealed class WellKnownServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, WellKnownAnswer> _answers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.OrdinalIgnoreCase);

    private WellKnownServer(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public static async Task<WellKnownServer> StartAsync(X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        var server = new WellKnownServer(app);
        app.MapGet("/.well-known/tern", server.AnswerAsync);
        await app.StartAsync();
        server.Port = new Uri(app.Urls.First()).Port;
        return server;
    }

    /// <summary>Answers <paramref name="host"/>'s requests with <paramref name="answer"/> from now on.</summary>
    public void Set(string host, WellKnownAnswer answer) => _answers[host] = answer;

    /// <summary>Requests <paramref name="host"/> got so far.</summary>
    public int Requests(string host) => _requests.TryGetValue(host, out var count) ? count : 0;

    private async Task AnswerAsync(HttpContext context)
    {
        var host = context.Request.Host.Host;
        _requests.AddOrUpdate(host, 1, (_, count) => count + 1);
        if (!_answers.TryGetValue(host, out var answer))
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (answer.Delay > TimeSpan.Zero)
        {
            try
            {
                // The slowness is the behaviour under test (a server cut at the client's descriptor timeout), not a wait.
                await Task.Delay(answer.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        if (answer.CacheControl is { } cacheControl)
        {
            context.Response.Headers.CacheControl = cacheControl;
        }

        if (answer.Location is { } location)
        {
            context.Response.Headers.Location = location;
        }

        if (answer.Trickle <= TimeSpan.Zero)
        {
            await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
            return;
        }

        try
        {
            for (var i = 0; i < answer.Body.Length; i++)
            {
                await context.Response.Body.WriteAsync(answer.Body.AsMemory(i, 1), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(answer.Trickle, context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The client gave up: what the test checks.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
