using System.Net.Quic;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.Caching;
using Tern.Transports.Fetch.Coverage;

namespace Tern.Transports.Fetch.Quic;

/// <summary>
/// The QUIC door (docs/PROTOCOL.md §8.4): ALPN <c>tern/1</c>, one bidirectional stream per fetch. System.Net.Quic needs
/// libmsquic; where it is missing (<see cref="QuicListener.IsSupported"/> is false) the door logs so once at start-up
/// and stays closed, and the framed and HTTP/2 doors carry multiplexed fetches.
/// </summary>
internal sealed class QuicFetchDoor : IAsyncDisposable
{
    /// <summary>The ALPN protocol id of every TLS door (§3 problem 9).</summary>
    public static readonly SslApplicationProtocol Alpn = new("tern/1"u8.ToArray());

    // The application error codes of the door's stream resets and connection closes.
    private const long StreamErrorCode = 0x0101;
    private const long CloseErrorCode = 0x0100;

    private readonly TransitStore _store;
    private readonly BlobReader _reader;
    private readonly FetchCoverage _coverage;
    private readonly FetchRequestCounters _requests;
    private readonly FetchServerOptions _options;
    private readonly ConnectionLimiter _limiter;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private QuicListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;

    public QuicFetchDoor(TransitStore store, BlobReader reader, FetchCoverage coverage, FetchRequestCounters requests, FetchServerOptions options, ConnectionLimiter limiter, ILogger logger)
    {
        _requests = requests;
        _store = store;
        _reader = reader;
        _coverage = coverage;
        _options = options;
        _limiter = limiter;
        _logger = logger;
    }

    /// <summary>Whether this machine can run the QUIC door (libmsquic present).</summary>
    public static bool IsSupported => QuicListener.IsSupported;

    /// <summary>Starts listening; false (and a warning) when QUIC is unavailable here.</summary>
    public async Task<bool> StartAsync(FetchListener listener, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        if (!QuicListener.IsSupported)
        {
            FetchLogMessages.QuicUnavailable(_logger, listener.ToString());
            return false;
        }

        var connectionOptions = new QuicServerConnectionOptions
        {
            DefaultStreamErrorCode = StreamErrorCode,
            DefaultCloseErrorCode = CloseErrorCode,
            MaxInboundBidirectionalStreams = _options.MaxStreamsPerConnection,
            MaxInboundUnidirectionalStreams = 0,
            ServerAuthenticationOptions = new SslServerAuthenticationOptions
            {
                ApplicationProtocols = [Alpn],
                ServerCertificate = certificate,
            },
        };
        _listener = await QuicListener.ListenAsync(
            new QuicListenerOptions
            {
                ListenEndPoint = listener.EndPoint,
                ApplicationProtocols = [Alpn],
                ConnectionOptionsCallback = (_, _, _) => ValueTask.FromResult(connectionOptions),
            },
            cancellationToken).ConfigureAwait(false);
        listener.BoundEndPoint = _listener.LocalEndPoint;
        FetchLogMessages.QuicListening(_logger, _listener.LocalEndPoint);
        _acceptLoop = AcceptLoopAsync(_listener, _stopping.Token);
        return true;
    }

    private async Task AcceptLoopAsync(QuicListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            QuicConnection connection;
            try
            {
                connection = await listener.AcceptConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception ex) when (ex is QuicException or System.Security.Authentication.AuthenticationException)
            {
                // One bad handshake is that client's problem; keep accepting.
                FetchLogMessages.QuicAcceptFailed(_logger, ex);
                continue;
            }

            // The caps count QUIC connections with the TCP doors'. QuicListener hands a connection over only once its
            // handshake is done, so a refused one has cost that much; it is closed at once all the same.
            if (!_limiter.TryAcquire(connection.RemoteEndPoint, out var source))
            {
                _ = RefuseAsync(connection);
                continue;
            }

            _ = ServeConnectionAsync(connection, source, cancellationToken);
        }
    }

    private static async Task RefuseAsync(QuicConnection connection)
    {
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.CloseAsync(CloseErrorCode).ConfigureAwait(false);
            }
            catch (QuicException)
            {
                // Gone already.
            }
        }
    }

    private async Task ServeConnectionAsync(QuicConnection connection, UInt128 source, CancellationToken cancellationToken)
    {
        try
        {
            await using (connection.ConfigureAwait(false))
            {
                while (true)
                {
                    var stream = await connection.AcceptInboundStreamAsync(cancellationToken).ConfigureAwait(false);
                    _ = new QuicFetchStream(stream, _store, _reader, _coverage, _requests, _options, _logger).RunAsync(cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is QuicException or OperationCanceledException or ObjectDisposedException)
        {
            // The client closed the connection, or the door is stopping.
        }
        finally
        {
            _limiter.Release(source);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
        }

        await _acceptLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
