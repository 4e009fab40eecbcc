using Tern.Engine.Crypto;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>
/// The partial file of a fetch (<see cref="MessageStore.OpenPartial"/>), a stream over the file that hashes the bytes
/// with BLAKE2b-256 as they are appended, so verification needs no second pass over the file. Any write that does not
/// continue the hashed prefix (a resumed fetch's earlier bytes, a seek back, a failed write) drops the running hash,
/// and <see cref="MessageStore.HashAsync"/> then reads the file from its start; truncating to zero restarts it.
/// </summary>
public sealed class PartialFileStream : Stream
{
    private readonly FileStream _file;
    private Blake2bHasher? _hasher;
    private long _hashed;

    internal PartialFileStream(string path)
    {
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        if (_file.Length == 0)
        {
            _hasher = new Blake2bHasher();
        }
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => true;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override long Length => _file.Length;

    /// <inheritdoc/>
    public override long Position
    {
        get => _file.Position;
        set => _file.Position = value;
    }

    /// <inheritdoc/>
    public override void Flush() => _file.Flush();

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => _file.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => _file.Read(buffer, offset, count);

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer) => _file.Read(buffer);

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _file.ReadAsync(buffer, cancellationToken);

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _file.ReadAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => _file.Seek(offset, origin);

    /// <inheritdoc/>
    public override void SetLength(long value)
    {
        _file.SetLength(value);
        if (value == 0)
        {
            Drop();
            _hasher = new Blake2bHasher();
            _hashed = 0;
        }
        else if (value != _hashed)
        {
            Drop();
        }
    }

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Hash(buffer);
        try
        {
            _file.Write(buffer);
        }
        catch
        {
            Drop();
            throw;
        }
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc/>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Hash(buffer.Span);
        try
        {
            await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Drop();
            throw;
        }
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Whether every byte of the file so far went through this stream in order, so its hash is running.</summary>
    internal bool IsHashing => _hasher is not null && _hashed == _file.Position;

    /// <summary>The hash of the whole file when every byte of it went through this stream in order; consumes the running hash.</summary>
    internal bool TryFinish(out Bytes32 hash, out long length)
    {
        hash = default;
        length = _hashed;
        if (_hasher is null || _hashed != _file.Length)
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[Bytes32.Size];
        _hasher.Finish(digest);
        Drop();
        hash = new Bytes32(digest);
        return true;
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        Drop();
        await _file.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Drop();
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Hash(ReadOnlySpan<byte> buffer)
    {
        if (_hasher is not null && _file.Position == _hashed)
        {
            _hasher.Append(buffer);
            _hashed += buffer.Length;
        }
        else
        {
            Drop();
        }
    }

    private void Drop()
    {
        _hasher?.Dispose();
        _hasher = null;
    }
}
