using System.Net;
using Microsoft.Extensions.Logging;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Transports.Fetch;

/// <summary>Source-generated log messages of the fetch doors (event ids unique in this assembly, as Kestrel's <c>SocketsLog</c>).</summary>
internal static partial class FetchLogMessages
{
    [LoggerMessage(1, LogLevel.Error, "Recording a fetched delivery in the transit store failed; a later full fetch will retry.")]
    public static partial void MarkFetchedFailed(ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Debug, "Framed connection {ConnectionId}: protocol error {Error}, sending goaway.")]
    public static partial void FramedProtocolError(ILogger logger, string connectionId, FrameError error);

    [LoggerMessage(3, LogLevel.Debug, "Framed connection {ConnectionId}: {Reason}, sending goaway.")]
    public static partial void FramedRefused(ILogger logger, string connectionId, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Framed connection {ConnectionId} failed.")]
    public static partial void FramedConnectionFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "QUIC fetch door unavailable: System.Net.Quic is not supported on this machine (libmsquic not found). Serving {Listener} is skipped; the framed and HTTP/2 doors multiplex fetches meanwhile.")]
    public static partial void QuicUnavailable(ILogger logger, string listener);

    [LoggerMessage(6, LogLevel.Information, "Fetch door listening: {Listener}.")]
    public static partial void Listening(ILogger logger, string listener);

    [LoggerMessage(7, LogLevel.Warning, "HTTP fetch of a blob failed while writing the response.")]
    public static partial void HttpWriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(8, LogLevel.Debug, "QUIC fetch stream failed.")]
    public static partial void QuicStreamFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Information, "QUIC fetch door listening on {EndPoint} (ALPN tern/1).")]
    public static partial void QuicListening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(10, LogLevel.Warning, "QUIC fetch door: accepting a connection failed.")]
    public static partial void QuicAcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(11, LogLevel.Information, "Socket completions run {Where} ({Variable}={Value}).")]
    public static partial void SocketCompletionMode(ILogger logger, string where, string variable, string? value);

    [LoggerMessage(12, LogLevel.Information, "Fetch coverage restored from {Path}: {Restored} partly fetched deliveries; {Others} not kept (no longer pending, already covered whole, or beyond MaxTrackedPartialFetches).")]
    public static partial void CoverageRestored(ILogger logger, string path, int restored, int others);

    [LoggerMessage(13, LogLevel.Warning, "Fetch coverage in {Path} could not be read and was moved to {SetAside}; partly fetched deliveries count again from their next fetch.")]
    public static partial void CoverageUnreadable(ILogger logger, Exception exception, string path, string setAside);

    [LoggerMessage(14, LogLevel.Warning, "Saving fetch coverage to {Path} failed ({Unlogged} more failed saves since the last report); it is retried at the next interval.")]
    public static partial void CoverageSaveFailed(ILogger logger, Exception exception, string path, long unlogged);

    [LoggerMessage(15, LogLevel.Debug, "Fetch connection from {Remote} refused at accept: its source already has {Limit} open (MaxConnectionsPerSource).")]
    public static partial void RefusedPerSource(ILogger logger, EndPoint? remote, int limit);

    [LoggerMessage(16, LogLevel.Debug, "Fetch connection from {Remote} refused at accept: {Limit} connections are open (MaxConnections).")]
    public static partial void RefusedTotal(ILogger logger, EndPoint? remote, int limit);

    [LoggerMessage(17, LogLevel.Debug, "Fetch connection {ConnectionId} aborted: the client took its response below the minimum data rate (MinResponseDataRate).")]
    public static partial void ResponseTooSlow(ILogger logger, string connectionId);
}
