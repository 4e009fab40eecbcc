using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Fetch.Tests;

/// <summary>
/// One connection to a fetch door from a chosen loopback address, and the smallest exchange that shows the door admitted
/// it: the framed preface answered (after a TLS handshake on the TLS listener), an HTTP/1.1 response, an HTTP/2 SETTINGS
/// frame. A door that refused the connection closes it before answering.
/// </summary>
public sealed class DoorProbe : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp);
    private Stream? _stream;

    public enum Door
    {
        Framed,
        FramedTls,
        TernHttp1,
        KestrelHttp1,
        H2c,
    }

    internal static IPEndPoint EndPointOf(FetchFixture f, Door door) => door switch
    {
        Door.Framed => f.Framed,
        Door.FramedTls => f.FramedTls,
        Door.TernHttp1 => new IPEndPoint(IPAddress.Loopback, f.Http.Port),
        Door.KestrelHttp1 => new IPEndPoint(IPAddress.Loopback, f.HttpKestrel.Port),
        _ => new IPEndPoint(IPAddress.Loopback, f.H2c.Port),
    };

    /// <summary>Connects to <paramref name="door"/> from <paramref name="from"/> (any 127/8 address is this host's) and tells whether the door admitted it.</summary>
    internal static async Task<(DoorProbe Probe, bool Admitted)> ConnectAsync(FetchFixture f, Door door, string from)
    {
        var probe = new DoorProbe();
        probe._socket.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
        await probe._socket.ConnectAsync(EndPointOf(f, door));
        return (probe, await probe.ExchangeAsync(f, door));
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _socket.Dispose();
    }

    private async Task<bool> ExchangeAsync(FetchFixture f, Door door)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var network = new NetworkStream(_socket, ownsSocket: false);
        _stream = network;
        try
        {
            switch (door)
            {
                case Door.Framed:
                    await network.WriteAsync(FramePreface.Bytes.ToArray(), timeout.Token);
                    return FramePreface.IsPreface(await ReadAsync(FramePreface.Size, timeout.Token));
                case Door.FramedTls:
                    var tls = new SslStream(network);
                    _stream = tls;
                    await tls.AuthenticateAsClientAsync(
                        new SslClientAuthenticationOptions
                        {
                            TargetHost = "node.a.example",
                            ApplicationProtocols = [new SslApplicationProtocol("tern/1"u8.ToArray())],
                            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetRawCertData().AsSpan().SequenceEqual(f.Certificate.RawData),
                        },
                        timeout.Token);
                    await tls.WriteAsync(FramePreface.Bytes.ToArray(), timeout.Token);
                    return FramePreface.IsPreface(await ReadAsync(FramePreface.Size, timeout.Token));
                case Door.H2c:
                    // The client preface and an empty SETTINGS frame; the server answers with its SETTINGS (type 4).
                    byte[] preface = [.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, 0, 0, 0, 4, 0, 0, 0, 0, 0];
                    await network.WriteAsync(preface, timeout.Token);
                    return (await ReadAsync(9, timeout.Token))[3] == 4;
                default:
                    await network.WriteAsync("GET /v1/blobs/x HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray(), timeout.Token);
                    return Encoding.ASCII.GetString(await ReadAsync(12, timeout.Token)) == "HTTP/1.1 404";
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or System.Security.Authentication.AuthenticationException)
        {
            // Closed (or reset) before the door answered: refused.
            return false;
        }
    }

    private async Task<byte[]> ReadAsync(int count, CancellationToken cancellationToken)
    {
        var bytes = new byte[count];
        await _stream!.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }
}
