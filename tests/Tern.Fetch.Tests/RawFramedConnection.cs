using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Fetch.Tests;

/// <summary>A bare TCP connection to the framed door for feeding it arbitrary bytes and reading back everything it says.</summary>
public sealed class RawFramedConnection : IDisposable
{
    private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp);
    private byte[] _received = new byte[64 * 1024];
    private int _count;
    private bool _prefaceRead;

    private RawFramedConnection()
    {
    }

    /// <summary>Connects; a <paramref name="receiveBufferSize"/> keeps the kernel from buffering much for a client that does not read yet.</summary>
    public static async Task<RawFramedConnection> ConnectAsync(IPEndPoint endPoint, int? receiveBufferSize = null)
    {
        var connection = new RawFramedConnection();
        if (receiveBufferSize is { } size)
        {
            connection._socket.ReceiveBufferSize = size;
        }

        await connection._socket.ConnectAsync(endPoint);
        return connection;
    }

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes.AsMemory());

    /// <summary>
    /// The next frame from the server, the preface checked and skipped first; null when the server closed. Waits at most
    /// 10 s, which a test then reports as a hang.
    /// </summary>
    public async Task<(FrameHeader Header, byte[] Payload)?> ReadFrameAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        if (!_prefaceRead)
        {
            if (!await FillAsync(FramePreface.Size, cts.Token))
            {
                return null;
            }

            Assert.True(FramePreface.IsPreface(_received.AsSpan(0, FramePreface.Size)), "the server must answer the preface first");
            Consume(FramePreface.Size);
            _prefaceRead = true;
        }

        if (!await FillAsync(FrameHeader.Size, cts.Token))
        {
            return null;
        }

        FrameHeader.TryRead(_received.AsSpan(0, _count), out var header);
        var total = FrameHeader.Size + (int)header.Length;
        if (!await FillAsync(total, cts.Token))
        {
            return null;
        }

        var payload = _received.AsSpan(FrameHeader.Size, (int)header.Length).ToArray();
        Consume(total);
        return (header, payload);
    }

    /// <summary>Whether the server sends anything within <paramref name="wait"/>.</summary>
    public async Task<bool> SaysAnythingWithinAsync(TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try
        {
            return await FillAsync(_count + 1, cts.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> FillAsync(int wanted, CancellationToken cancellationToken)
    {
        if (_received.Length < wanted)
        {
            Array.Resize(ref _received, Math.Max(wanted, _received.Length * 2));
        }

        while (_count < wanted)
        {
            var n = await _socket.ReceiveAsync(_received.AsMemory(_count), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                return false;
            }

            _count += n;
        }

        return true;
    }

    private void Consume(int bytes)
    {
        Buffer.BlockCopy(_received, bytes, _received, 0, _count - bytes);
        _count -= bytes;
    }

    /// <summary>Reads until the server closes (or 10 s pass, which a test then reports as a hang).</summary>
    public async Task<byte[]> ReadToCloseAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var all = new MemoryStream();
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return all.ToArray();
                }

                all.Write(buffer, 0, n);
            }
        }
        catch (SocketException)
        {
            return all.ToArray();
        }
    }

    /// <summary>The frames in <paramref name="bytes"/> after the server's preface.</summary>
    public static List<(FrameHeader Header, byte[] Payload)> Frames(byte[] bytes)
    {
        Assert.True(bytes.Length >= FramePreface.Size && FramePreface.IsPreface(bytes.AsSpan(0, FramePreface.Size)), "the server must answer the preface first");
        var frames = new List<(FrameHeader, byte[])>();
        var buffer = new ReadOnlySequence<byte>(bytes, FramePreface.Size, bytes.Length - FramePreface.Size);
        while (true)
        {
            SequencePosition consumed = buffer.Start, examined = buffer.End;
            if (!FrameReader.Default.TryParse(buffer, ref consumed, ref examined, out var frame, out _))
            {
                return frames;
            }

            frames.Add((frame.Header, frame.Payload.ToArray()));
            buffer = buffer.Slice(consumed);
        }
    }

    public static byte[] Preface() => FramePreface.Bytes.ToArray();

    public static byte[] Frame(uint length, uint stream, byte type, byte flags, byte[]? payload = null)
    {
        var bytes = new byte[FrameHeader.Size + (payload?.Length ?? 0)];
        new FrameHeader(length, stream, (FrameType)type, (FrameFlags)flags).Write(bytes);
        payload?.CopyTo(bytes, FrameHeader.Size);
        return bytes;
    }

    public void Dispose() => _socket.Dispose();
}
