using Microsoft.Extensions.Logging;

namespace Tern.Admin;

/// <summary>The admin surface's log messages (event ids 1–99 of this assembly).</summary>
internal static partial class AdminLogMessages
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Admin API listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Admin API stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Admin token written to {File}")]
    public static partial void TokenCreated(ILogger logger, string file);
}
