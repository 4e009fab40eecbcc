using Microsoft.Extensions.Logging;

namespace Tern.Node;

internal static partial class NodeLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Stores open in {DataDirectory}")]
    public static partial void StoresOpen(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Stores checkpointed and closed")]
    public static partial void StoresClosed(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Node {Domain} ready: notify {Notify}, framed {Framed}, http {Http}")]
    public static partial void Ready(ILogger logger, string domain, string notify, string framed, string http);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Node {Domain} stopping: intake closed, draining")]
    public static partial void Stopping(ILogger logger, string domain);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Drain time over with {Pulls} pulls in flight; they are cut and resume after a restart")]
    public static partial void PullDrainCut(ILogger logger, int pulls);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "The pending table's checkpoint did not complete in time; the table is left to the process exit (references since the last checkpoint return by retransmission)")]
    public static partial void PendingCheckpointCut(ILogger logger);
}
