using System.Buffers;
using System.Threading.Channels;
using Tern.Engine.Protocol.Payload;

namespace Tern.Engine.Transit;

/// <summary>
/// Hashes the chunks of a large blob on another thread, a few chunks behind the writer: the writer rents a buffer, fills
/// it, copies it into the log and hands it over; the hasher appends it (in order) and frees it. The writer then streams
/// at the slower of hashing and logging instead of their sum, and a log flush stall does not stop the hash.
/// </summary>
internal sealed class PipelinedHasher : IAsyncDisposable
{
    private readonly PayloadHasher _hasher;
    private readonly Channel<(byte[] Buffer, int Length)> _work = Channel.CreateUnbounded<(byte[], int)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Channel<byte[]> _free = Channel.CreateUnbounded<byte[]>();
    private readonly Task _consumer;

    public PipelinedHasher(PayloadHasher hasher, int bufferSize, int depth)
    {
        _hasher = hasher;
        for (var i = 0; i < depth; i++)
        {
            _free.Writer.TryWrite(ArrayPool<byte>.Shared.Rent(bufferSize));
        }

        _consumer = Task.Run(ConsumeAsync);
    }

    /// <summary>Waits for a free buffer (at most <c>depth</c> chunks are in flight).</summary>
    public ValueTask<byte[]> RentAsync(CancellationToken cancellationToken) => _free.Reader.ReadAsync(cancellationToken);

    /// <summary>Hands a filled buffer to the hasher; the writer must not touch it afterwards.</summary>
    public void Submit(byte[] buffer, int length) => _work.Writer.TryWrite((buffer, length));

    /// <summary>Gives back a rented buffer that will not be hashed.</summary>
    public void Return(byte[] buffer) => _free.Writer.TryWrite(buffer);

    /// <summary>Waits until every submitted buffer is hashed; the hasher can then be finished.</summary>
    public Task CompleteAsync()
    {
        _work.Writer.TryComplete();
        return _consumer;
    }

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        try
        {
            await _consumer.ConfigureAwait(false);
        }
        finally
        {
            while (_free.Reader.TryRead(out var buffer))
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private async Task ConsumeAsync()
    {
        await foreach (var (buffer, length) in _work.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            _hasher.Append(buffer.AsSpan(0, length));
            _free.Writer.TryWrite(buffer);
        }
    }
}
