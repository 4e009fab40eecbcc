using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Tern.Load.Open;

namespace Tern.Load.Tests;

/// <summary>Lanes of one TCP connection each to a <see cref="PingServer"/>; a refusal is the error class <c>test-refused</c>.</summary>
internal sealed class PingTarget(IPEndPoint server) : ILoadTarget
{
    public async ValueTask<ILoadLane> OpenLaneAsync(int lane, CancellationToken cancellationToken)
    {
        var opened = new Lane(server);
        await opened.ConnectAsync(cancellationToken);
        return opened;
    }

    private sealed class Lane(IPEndPoint server) : ILoadLane
    {
        private readonly byte[] _buffer = new byte[8];
        private Socket? _socket;

        public async Task ConnectAsync(CancellationToken cancellationToken)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(server, cancellationToken);
            _socket = socket;
        }

        public async ValueTask<LoadOutcome> SendAsync(long sequence, CancellationToken cancellationToken)
        {
            if (_socket is null)
            {
                await ConnectAsync(cancellationToken);
            }

            try
            {
                BinaryPrimitives.WriteInt64LittleEndian(_buffer, sequence);
                await _socket!.SendAsync(_buffer.AsMemory(), SocketFlags.None, cancellationToken);
                var read = 0;
                while (read < 8)
                {
                    var n = await _socket.ReceiveAsync(_buffer.AsMemory(read), SocketFlags.None, cancellationToken);
                    if (n == 0)
                    {
                        throw new IOException("the server closed the connection");
                    }

                    read += n;
                }
            }
            catch
            {
                // A request cut mid-way leaves its answer on the wire: the next one starts on a new connection.
                _socket?.Dispose();
                _socket = null;
                throw;
            }

            return BinaryPrimitives.ReadInt64LittleEndian(_buffer) == 0 ? LoadOutcome.Ok : LoadOutcome.Error("test-refused");
        }

        public ValueTask DisposeAsync()
        {
            _socket?.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
