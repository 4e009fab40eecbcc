using System.Net;
using System.Net.Quic;
using System.Net.Security;
using Microsoft.Extensions.Logging;
using Tern.Engine.Protocol.Fetch;
using Tern.Transports.Fetch;

namespace Tern.Fetch.Tests;

/// <summary>
/// The QUIC door (docs/PROTOCOL.md §8.4). System.Net.Quic needs libmsquic, which this build machine lacks: the fetch
/// test then reports SKIPPED (never passed), and the start-up test checks the door says so in the log.
/// </summary>
public sealed class QuicDoorTests
{
    [Fact]
    public async Task Door_starts_and_logs_whether_quic_is_available()
    {
        await using var f = await FetchFixture.StartAsync();

        if (FetchServer.IsQuicSupported)
        {
            Assert.NotNull(f.Server.Listeners.Single(l => l.Door == FetchDoor.Quic).BoundEndPoint);
        }
        else
        {
            var warning = Assert.Single(f.Logs.Entries, e => e.EventId == 5);
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Contains("QUIC fetch door unavailable", warning.Message, StringComparison.Ordinal);
            Assert.Null(f.Server.Listeners.Single(l => l.Door == FetchDoor.Quic).BoundEndPoint);
        }
    }

    [SkippableFact]
    public async Task Fetch_over_one_quic_stream()
    {
        Skip.IfNot(QuicConnection.IsSupported && FetchServer.IsQuicSupported, "System.Net.Quic is unsupported here: libmsquic is not installed.");
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes(150_000, 1);
        var (cap, _) = await f.SubmitAsync(content);
        var endPoint = f.Server.Listeners.Single(l => l.Door == FetchDoor.Quic).BoundEndPoint!;
        await using var connection = await QuicConnection.ConnectAsync(new QuicClientConnectionOptions
        {
            RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, endPoint.Port),
            DefaultStreamErrorCode = 1,
            DefaultCloseErrorCode = 2,
            ClientAuthenticationOptions = new SslClientAuthenticationOptions
            {
                ApplicationProtocols = [new SslApplicationProtocol("tern/1"u8.ToArray())],
                TargetHost = "node.a.example",
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetRawCertData().AsSpan().SequenceEqual(f.Certificate.RawData),
            },
        });
        await using var stream = await connection.OpenOutboundStreamAsync(QuicStreamType.Bidirectional);
        var frame = new byte[FrameHeader.Size + FetchRequest.Size];
        new FrameHeader(FetchRequest.Size, 0, FrameType.Fetch, FrameFlags.None).Write(frame);
        new FetchRequest(cap).Write(frame.AsSpan(FrameHeader.Size));
        await stream.WriteAsync(frame, completeWrites: true);
        var answer = new MemoryStream();
        await stream.CopyToAsync(answer);

        var bytes = answer.ToArray();
        var payload = new MemoryStream();
        var offset = 0;
        while (offset < bytes.Length)
        {
            FrameHeader.TryRead(bytes.AsSpan(offset), out var header);
            if (header.Type == FrameType.Data)
            {
                payload.Write(bytes, offset + FrameHeader.Size, (int)header.Length);
            }

            offset += FrameHeader.Size + (int)header.Length;
        }

        Assert.Equal(content, payload.ToArray());
    }
}
