using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Tern.Node.Surfaces;

/// <summary>
/// Keeps the socket engine's thread off the disk on a surface with inline scheduling (docs/ARCHITECTURE.md §5.1). Kestrel
/// then runs each request on the thread that read it — under <c>tern run</c>'s inline socket completions, the engine's
/// one event thread, which every socket of the process waits on. A route marked <see cref="RunsInlineMetadata"/> runs
/// there; any other is moved to the thread pool first (what Kestrel's default scheduling did for every request), and its
/// request body is read through <see cref="PoolResumingBody"/>, so a read that completes later does not resume it there.
/// A route marked <see cref="RunsInlineWhenIdleMetadata"/> begins on the socket thread while no other request of such a
/// route is in flight (its body read the same way), and moves to the pool like any other otherwise.
/// </summary>
internal sealed class SocketThreadGuard
{
    private readonly ILogger _logger;

    // Requests of routes marked RunsInlineWhenIdle in flight, begun inline or moved.
    private int _whenIdleInFlight;

    public SocketThreadGuard(ILogger logger) => _logger = logger;

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<RunsInlineMetadata>() is not null)
        {
            if (ThreadPoolHop.IsNeeded)
            {
                SurfaceLogMessages.RanInline(_logger, endpoint.DisplayName);
            }

            return next(context);
        }

        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false)
        {
            context.Request.Body = new PoolResumingBody(context.Request.Body);
        }

        if (!ThreadPoolHop.IsNeeded)
        {
            return next(context);
        }

        if (endpoint?.Metadata.GetMetadata<RunsInlineWhenIdleMetadata>() is { } whenIdle)
        {
            var inline = context.Request.ContentLength is { } length && length <= whenIdle.MaxBodyBytes && Volatile.Read(ref _whenIdleInFlight) == 0;
            return CountedAsync(context, next, endpoint, inline);
        }

        return MoveToPoolAsync(context, next, endpoint);
    }

    private async Task CountedAsync(HttpContext context, RequestDelegate next, Endpoint endpoint, bool inline)
    {
        Interlocked.Increment(ref _whenIdleInFlight);
        try
        {
            if (inline)
            {
                SurfaceLogMessages.BeganInlineWhenIdle(_logger, endpoint.DisplayName);
            }
            else
            {
                SurfaceLogMessages.MovedToPool(_logger, endpoint.DisplayName);
                await ThreadPoolHop.ToPoolAsync();
            }

            await next(context).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _whenIdleInFlight);
        }
    }

    private async Task MoveToPoolAsync(HttpContext context, RequestDelegate next, Endpoint? endpoint)
    {
        SurfaceLogMessages.MovedToPool(_logger, endpoint?.DisplayName);

        await ThreadPoolHop.ToPoolAsync();
        await next(context).ConfigureAwait(false);
    }
}
