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
/// </summary>
internal sealed class SocketThreadGuard
{
    private readonly ILogger _logger;

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

        return ThreadPoolHop.IsNeeded ? MoveToPoolAsync(context, next, endpoint) : next(context);
    }

    private async Task MoveToPoolAsync(HttpContext context, RequestDelegate next, Endpoint? endpoint)
    {
        SurfaceLogMessages.MovedToPool(_logger, endpoint?.DisplayName);

        await ThreadPoolHop.ToPoolAsync().ConfigureAwait(false);
        await next(context).ConfigureAwait(false);
    }
}
