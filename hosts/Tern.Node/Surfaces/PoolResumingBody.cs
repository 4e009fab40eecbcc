using System.Runtime.CompilerServices;

namespace Tern.Node.Surfaces;

/// <summary>
/// A request body that resumes its reader on the thread pool. With inline scheduling, a read that waits for the
/// client's bytes completes on the socket engine's thread, and the route would go on there (writing the bytes to the
/// disk, say); a read that completes at once stays where it is.
/// </summary>
internal sealed class PoolResumingBody : Stream
{
    private readonly Stream _inner;

    public PoolResumingBody(Stream inner) => _inner = inner;

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = _inner.ReadAsync(buffer, cancellationToken);
        return read.IsCompleted ? read : ResumeOnPoolAsync(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _inner.Read(buffer);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<int> ResumeOnPoolAsync(ValueTask<int> read)
    {
        var count = await read.ConfigureAwait(false);
        await ThreadPoolHop.ToPoolAsync();
        return count;
    }
}
