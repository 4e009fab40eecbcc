using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Load;

/// <summary>
/// A lean load client for the framed door: one connection, <c>inflight</c> fetches outstanding at all times (a new one
/// is sent as each stream ends), raw socket and hand-rolled frame parsing so the client core is not the bottleneck.
/// Prints fetches/s and MB/s over the measured seconds, after a 1 s warm-up. With <c>tls</c>, the connection is TLS 1.3 with
/// ALPN <c>tern/1</c> (§8.2), the server's certificate pinned to the bench's own.
/// </summary>
internal static class FramedLoad
{
    public static async Task RunAsync(int port, string capsFile, int seconds, int inflight, string? pinnedCertificatePem = null)
    {
        var caps = (await File.ReadAllLinesAsync(capsFile)).Where(l => l.Length > 0).Select(ParseCapability).ToArray();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        Stream connection = new NetworkStream(socket, ownsSocket: false);
        if (pinnedCertificatePem is not null)
        {
            using var pinned = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(pinnedCertificatePem);
            var thumbprint = pinned.GetCertHashString();
            var secure = new SslStream(connection, leaveInnerStreamOpen: false);
            await secure.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ApplicationProtocols = [new SslApplicationProtocol("tern/1")],
                EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint,
            });
            Console.Error.WriteLine($"framed over {secure.SslProtocol}, {secure.NegotiatedCipherSuite}, ALPN {secure.NegotiatedApplicationProtocol}");
            connection = secure;
        }

        await using var stream = connection;
        var send = new byte[inflight * (FrameHeader.Size + FetchRequest.Size) + FramePreface.Size];
        FramePreface.Bytes.CopyTo(send);
        var pending = FramePreface.Size;
        uint nextStream = 1;
        var pick = 0;
        void Fetch()
        {
            new FrameHeader(FetchRequest.Size, nextStream, FrameType.Fetch, FrameFlags.None).Write(send.AsSpan(pending));
            new FetchRequest(caps[pick++ % caps.Length]).Write(send.AsSpan(pending + FrameHeader.Size));
            pending += FrameHeader.Size + FetchRequest.Size;
            nextStream += 2;
        }

        for (var i = 0; i < inflight; i++)
        {
            Fetch();
        }

        await stream.WriteAsync(send.AsMemory(0, pending));
        pending = 0;
        var buffer = new byte[1 << 20];
        int start = 0, end = 0;
        var prefaceSeen = false;
        long completed = 0, bytes = 0, errors = 0, measuredCompleted = 0, measuredBytes = 0;
        var clock = Stopwatch.StartNew();
        var warmup = TimeSpan.FromSeconds(1);
        var total = warmup + TimeSpan.FromSeconds(seconds);
        var measuring = false;
        while (clock.Elapsed < total)
        {
            if (start == end)
            {
                start = end = 0;
            }
            else if (buffer.Length - end < 128 * 1024)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            var n = await stream.ReadAsync(buffer.AsMemory(end));
            if (n == 0)
            {
                throw new IOException("server closed the connection");
            }

            end += n;
            if (!prefaceSeen)
            {
                if (end - start < FramePreface.Size)
                {
                    continue;
                }

                start += FramePreface.Size;
                prefaceSeen = true;
            }

            while (end - start >= FrameHeader.Size)
            {
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(start));
                if (end - start < FrameHeader.Size + length)
                {
                    break;
                }

                var type = (FrameType)buffer[start + 8];
                var endStream = (buffer[start + 9] & 1) != 0;
                if (type == FrameType.Data)
                {
                    bytes += length;
                }
                else if (type == FrameType.Meta && buffer[start + FrameHeader.Size] != 0)
                {
                    errors++;
                }
                else if (type == FrameType.GoAway)
                {
                    throw new IOException("goaway from the server");
                }

                if (endStream)
                {
                    completed++;
                    Fetch();
                }

                start += FrameHeader.Size + length;
            }

            if (pending > 0)
            {
                await stream.WriteAsync(send.AsMemory(0, pending));
                pending = 0;
            }

            if (!measuring && clock.Elapsed >= warmup)
            {
                measuring = true;
                measuredCompleted = completed;
                measuredBytes = bytes;
                clock.Restart();
                total = TimeSpan.FromSeconds(seconds);
            }
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        var rate = (completed - measuredCompleted) / elapsed;
        var mbs = (bytes - measuredBytes) / elapsed / 1e6;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT per_second={rate:F0} mb_per_second={mbs:F1} inflight={inflight} errors={errors} seconds={elapsed:F1}"));
    }

    private static FetchCapability ParseCapability(string text)
        => FetchCapability.TryParse(text, out var cap) ? cap : throw new FormatException("bad capability: " + text);
}
