using Microsoft.Extensions.Logging;

namespace Tern.ClientApi.Events;

/// <summary>
/// When the event log is compacted (docs/C2S.md §15 "Storage"): at start when the file is above
/// <see cref="ClientApiOptions.EventCompactionStartBytes"/>, then every <see cref="ClientApiOptions.EventCompactionInterval"/>,
/// each time dropping what is older than <see cref="ClientApiOptions.EventRetention"/>.
/// </summary>
internal static class EventLogCompactor
{
    /// <summary>Runs until <paramref name="stopping"/>; a failed compaction is logged and tried again at the next tick.</summary>
    public static async Task RunAsync(EventLog log, ClientApiOptions options, TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        try
        {
            if (log.Length > options.EventCompactionStartBytes)
            {
                await CompactAsync(log, options, logger).ConfigureAwait(false);
            }

            using var timer = new PeriodicTimer(options.EventCompactionInterval, time);
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                await CompactAsync(log, options, logger).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task CompactAsync(EventLog log, ClientApiOptions options, ILogger logger)
    {
        try
        {
            var dropped = await log.CompactAsync(options.EventRetention, options.EventRetentionMinEvents).ConfigureAwait(false);
            if (dropped > 0)
            {
                ClientApiLogMessages.EventsCompacted(logger, dropped, options.EventRetention, log.Length);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ClientApiLogMessages.EventCompactionFailed(logger, e);
        }
        catch (ObjectDisposedException)
        {
            // The node is stopping.
        }
    }
}
