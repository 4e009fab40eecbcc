using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;

namespace Tern.Load.Open;

/// <summary>
/// Names of error classes as reports count them: <c>http-503</c>, <c>timeout</c>, <c>socket-ConnectionRefused</c>,
/// <c>io</c> (a connection cut mid-answer), or a scenario's own (<c>framed-NotFound</c>). Names are cached so that a run
/// full of errors does not allocate one string per error.
/// </summary>
internal static class ErrorClasses
{
    public const string Timeout = "timeout";
    public const string Io = "io";

    private static readonly string[] HttpNames = CreateHttpNames();
    private static readonly ConcurrentDictionary<string, string> Named = new(StringComparer.Ordinal);

    public static string Http(int status) => status is >= 100 and < 600 ? HttpNames[status] : "http-other";

    /// <summary>A scenario's own class: <paramref name="prefix"/>-<paramref name="name"/>, cached.</summary>
    public static string Of(string prefix, string name) => Named.GetOrAdd(string.Concat(prefix, "-", name), static key => key);

    /// <summary>The class of an exception an operation threw; <paramref name="timedOut"/> when its own deadline cancelled it.</summary>
    public static string Classify(Exception exception, bool timedOut)
    {
        if (timedOut && exception is OperationCanceledException or IOException or HttpRequestException or SocketException)
        {
            return Timeout;
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return Of("socket", socket.SocketErrorCode.ToString());
            }
        }

        return exception switch
        {
            HttpRequestException { StatusCode: { } status } => Http((int)status),
            HttpRequestException => Of("http", "request"),
            IOException => Io,
            OperationCanceledException => Of("cancelled", "other"),
            _ => Of("exception", exception.GetType().Name),
        };
    }

    private static string[] CreateHttpNames()
    {
        var names = new string[600];
        for (var status = 100; status < 600; status++)
        {
            names[status] = "http-" + status.ToString(CultureInfo.InvariantCulture);
        }

        return names;
    }
}
