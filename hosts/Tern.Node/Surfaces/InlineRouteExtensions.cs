using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Tern.Node.Surfaces;

/// <summary>Marks the routes that may run on the socket engine's thread, and keeps every other route off it.</summary>
internal static class InlineRouteExtensions
{
    /// <summary>
    /// Marks the route as never blocking: on a surface with inline scheduling it runs on the thread that read its
    /// request. Only for routes that answer from memory (or the page cache, moving to the pool themselves on a miss).
    /// </summary>
    public static TBuilder RunsInline<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(RunsInlineMetadata.Instance);

    /// <summary>
    /// Marks the route as one that may begin on the thread that read its request while no other request of such a
    /// route is in flight and its body is at most <paramref name="maxBodyBytes"/> long (<see cref="RunsInlineWhenIdleMetadata"/>).
    /// </summary>
    public static TBuilder RunsInlineWhenIdle<TBuilder>(this TBuilder builder, long maxBodyBytes)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RunsInlineWhenIdleMetadata(maxBodyBytes));

    /// <summary>
    /// Routes, then moves every request whose route is not marked <see cref="RunsInline"/> to the thread pool (a surface
    /// with inline scheduling reads requests on the socket engine's thread, which must never wait on the disk).
    /// </summary>
    public static IApplicationBuilder UseSocketThreadGuard(this IApplicationBuilder app, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(loggers);
        app.UseRouting();
        var guard = new SocketThreadGuard(loggers.CreateLogger<SocketThreadGuard>());
        return app.Use(next => context => guard.InvokeAsync(context, next));
    }
}
