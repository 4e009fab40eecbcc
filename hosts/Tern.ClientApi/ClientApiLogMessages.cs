using Microsoft.Extensions.Logging;

namespace Tern.ClientApi;

internal static partial class ClientApiLogMessages
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Client API listening on {EndPoint} ({Users} users)")]
    public static partial void Listening(ILogger logger, string endPoint, int users);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "The submission log could not record a submission; it was retracted and refused")]
    public static partial void SubmissionLogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Client API stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Event log compacted: {Dropped} events older than {Retention} dropped, {Bytes} bytes kept")]
    public static partial void EventsCompacted(ILogger logger, long dropped, TimeSpan retention, long bytes);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Event log compaction failed; the log is whole and is compacted again at the next interval")]
    public static partial void EventCompactionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Users' settings files could not be written (a lapsed registration swept, or a settings change); memory keeps the change and the sweep writes them again in a minute")]
    public static partial void HashSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "The label files could not be written at stop; the next start rebuilds what they lack from the message store")]
    public static partial void LabelFlushFailed(ILogger logger, Exception exception);
}
