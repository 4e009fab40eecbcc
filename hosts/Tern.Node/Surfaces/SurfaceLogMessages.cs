using Microsoft.Extensions.Logging;

namespace Tern.Node.Surfaces;

internal static partial class SurfaceLogMessages
{
    [LoggerMessage(EventId = 45, Level = LogLevel.Trace, Message = "Request to {Endpoint} runs inline on the socket thread")]
    public static partial void RanInline(ILogger logger, string? endpoint);

    [LoggerMessage(EventId = 46, Level = LogLevel.Trace, Message = "Request to {Endpoint} moved from the socket thread to the thread pool")]
    public static partial void MovedToPool(ILogger logger, string? endpoint);

    [LoggerMessage(EventId = 47, Level = LogLevel.Trace, Message = "Request to {Endpoint} begins on the socket thread, none other of its kind in flight")]
    public static partial void BeganInlineWhenIdle(ILogger logger, string? endpoint);
}
