using Microsoft.Extensions.Hosting;

namespace Tern.Node;

/// <summary>Starting a built node host.</summary>
public static class TernHostExtensions
{
    /// <summary>
    /// Starts <paramref name="host"/>; when a stage refuses to start, disposes the host (the stages started before it have
    /// already been stopped) and rethrows, so the caller holds a running host or nothing.
    /// </summary>
    public static async Task<IHost> StartOrDisposeAsync(this IHost host)
    {
        try
        {
            await host.StartAsync().ConfigureAwait(false);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
