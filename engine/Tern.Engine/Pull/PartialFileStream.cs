using System.Buffers;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;

namespace Tern.Engine.Pull;

/// <summary>
/// The partial file of a fetch (<see cref="MessageStore.OpenPartial"/>): an append-only stream that checks each 256 KiB
/// chunk against the payload tree as it completes (docs/PROTOCOL.md §4.8) and writes it to the file only then, so the
/// file holds nothing but checked chunks. A chunk that does not match throws <see cref="PayloadMismatchException"/> at
/// that chunk and is dropped; the chunks before it stay. The bytes of an unfinished chunk wait in memory and survive a
/// cut connection, so a resumed fetch continues from <see cref="Length"/>. Bytes found in the file when it is opened (an
/// earlier process's fetch) are not trusted until <see cref="VerifyKeptAsync"/> has checked them.
/// A blob small enough to ride whole in its commit record is fetched in memory instead (no file: the record makes it
/// durable, and the naming writes its <c>.blob</c>): its bytes land in one buffer of the blob's size, each chunk is
/// checked there as it completes, and the checked bytes go to the store when the stream is disposed, for the commit to
/// take (or a later fetch of the same blob to resume from). Writes then never wait on the disk.
/// </summary>
public sealed class PartialFileStream : Stream
{
    private readonly FileStream? _file;
    private readonly byte[]? _memory;
    private FetchedBlobs? _fetched;
    private readonly RecipientHash _hash;
    private readonly FetchCapability _capability;
    private byte[]? _chunk;
    private int _buffered;
    private long _verified;
    private long _kept;
    private bool _emptyChecked;

    internal PartialFileStream(string path, PayloadVerifier verifier)
    {
        Verifier = verifier;
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 0, FileOptions.Asynchronous);
        _kept = _file.Length;
    }

    /// <summary>A fetch in memory into <paramref name="memory"/> (the blob's size), its first <paramref name="verified"/> bytes checked already; disposed, it leaves them to <paramref name="fetched"/>.</summary>
    internal PartialFileStream(PayloadVerifier verifier, byte[] memory, long verified, FetchedBlobs fetched, RecipientHash hash, FetchCapability capability)
    {
        Verifier = verifier;
        _memory = memory;
        _verified = verified;
        _fetched = fetched;
        _hash = hash;
        _capability = capability;
    }

    /// <summary>Whether the bytes are kept in memory, not in a file.</summary>
    public bool InMemory => _memory is not null;

    /// <summary>What the bytes are checked against.</summary>
    public PayloadVerifier Verifier { get; }

    /// <summary>Bytes in the file that were checked in this process.</summary>
    public long VerifiedLength => _verified;

    /// <summary>Whether the file holds bytes from before it was opened that <see cref="VerifyKeptAsync"/> has not checked yet.</summary>
    public bool HasUnverifiedKept => _kept > 0;

    /// <summary>Whether every byte of the blob is in the file and checked.</summary>
    public bool IsComplete => _kept == 0 && _verified == Verifier.Size && (Verifier.Size > 0 || _emptyChecked);

    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => true;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <summary>The bytes received: checked chunks in the file plus the unfinished chunk (or, before the kept bytes are checked, the file's length).</summary>
    public override long Length => _kept > 0 ? _kept : _verified + _buffered;

    /// <summary>Always <see cref="Length"/>: the stream only appends. Setting it to anything else is not supported.</summary>
    public override long Position
    {
        get => Length;
        set
        {
            if (value != Length)
            {
                throw new NotSupportedException("A partial file is written in order; truncate it with SetLength.");
            }
        }
    }

    /// <summary>
    /// Checks the bytes a previous process left in the file, chunk by chunk from the start, against the leaves the
    /// verifier holds (a proof from the first chunk must have been accepted for a blob of several chunks), and truncates
    /// the file after the last chunk that matches. A one-chunk blob is kept only when it is whole and matches. Returns
    /// the bytes kept.
    /// </summary>
    public async Task<long> VerifyKeptAsync(CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            // In memory nothing comes from before this process: every byte was checked as it landed.
            return _verified;
        }

        var kept = _kept;
        _kept = 0;
        _buffered = 0;
        _verified = 0;
        var buffer = _chunk ??= ArrayPool<byte>.Shared.Rent(PayloadTree.ChunkSize);
        for (long index = 0; index < Verifier.ChunkCount && Verifier.CanCheck(index); index++)
        {
            var length = PayloadTree.ChunkLength(Verifier.Size, index);
            if (length == 0 || _verified + length > kept)
            {
                break;
            }

            var read = await RandomAccess.ReadAsync(_file!.SafeFileHandle, buffer.AsMemory(0, length), _verified, cancellationToken).ConfigureAwait(false);
            if (read != length || !Verifier.Check(index, buffer.AsSpan(0, length)))
            {
                break;
            }

            _verified += length;
        }

        _file!.SetLength(_verified);
        return _verified;
    }

    /// <summary>Drops the unfinished chunk (its bytes will be fetched again).</summary>
    public void DiscardPending() => _buffered = 0;

    /// <summary>Checks the empty blob, which has no chunk bytes to write; true once the blob is complete (<see cref="IsComplete"/>).</summary>
    public bool TryComplete()
    {
        if (_kept == 0 && Verifier.Size == 0 && !_emptyChecked)
        {
            _emptyChecked = Verifier.Check(0, []);
        }

        return IsComplete;
    }

    /// <summary>Truncates to 0 (start over), or back to a chunk boundary within the checked bytes; the unfinished chunk is dropped.</summary>
    public override void SetLength(long value)
    {
        if (value != 0 && (value > _verified || (value % PayloadTree.ChunkSize != 0 && value != Verifier.Size)))
        {
            throw new NotSupportedException($"A partial file can be cut only to 0 or to a checked chunk boundary, not {value}.");
        }

        _file?.SetLength(value);
        _verified = value;
        _buffered = 0;
        _kept = 0;
        _emptyChecked = false;
    }

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var take = Buffer(buffer);
            buffer = buffer[take..];
            if (ChunkFull(out var length))
            {
                if (_file is not null)
                {
                    RandomAccess.Write(_file.SafeFileHandle, _chunk.AsSpan(0, length), _verified);
                }

                _verified += length;
                _buffered = 0;
            }
        }
    }

    /// <inheritdoc/>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var take = Buffer(buffer.Span);
            buffer = buffer[take..];
            if (ChunkFull(out var length))
            {
                // In memory the chunk is in place already: no write, and no hop to the pool that a file's write takes.
                if (_file is not null)
                {
                    await RandomAccess.WriteAsync(_file.SafeFileHandle, _chunk.AsMemory(0, length), _verified, cancellationToken).ConfigureAwait(false);
                }

                _verified += length;
                _buffered = 0;
            }
        }
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc/>
    public override void Flush() => _file?.Flush();

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => _file?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Length + offset,
            _ => Length + offset,
        };
        Position = target;
        return target;
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        ReturnChunk();
        KeepFetched();
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReturnChunk();
            KeepFetched();
            _file?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Copies what fits of <paramref name="data"/> into the unfinished chunk; returns the bytes taken.</summary>
    private int Buffer(ReadOnlySpan<byte> data)
    {
        if (_kept > 0)
        {
            throw new InvalidOperationException("The bytes kept from an earlier fetch must be checked (VerifyKeptAsync) before more are appended.");
        }

        var at = _verified + _buffered;
        var index = at >> PayloadTree.ChunkShift;
        if (at >= Verifier.Size)
        {
            throw new PayloadMismatchException(index, $"More bytes arrived than the payload's {Verifier.Size}.");
        }

        var take = Math.Min(PayloadTree.ChunkLength(Verifier.Size, index) - _buffered, data.Length);
        data[..take].CopyTo(_memory is not null ? _memory.AsSpan((int)at) : (_chunk ??= ArrayPool<byte>.Shared.Rent(PayloadTree.ChunkSize)).AsSpan(_buffered));
        _buffered += take;
        return take;
    }

    /// <summary>Whether the unfinished chunk is complete; checks it then, and throws (dropping it) when it does not match.</summary>
    private bool ChunkFull(out int length)
    {
        var index = _verified >> PayloadTree.ChunkShift;
        length = PayloadTree.ChunkLength(Verifier.Size, index);
        if (_buffered < length)
        {
            return false;
        }

        if (!Verifier.Check(index, _memory is not null ? _memory.AsSpan((int)_verified, length) : _chunk.AsSpan(0, length)))
        {
            _buffered = 0;
            throw new PayloadMismatchException(index, Verifier.CanCheck(index)
                ? $"Chunk {index} does not match its payload-tree leaf."
                : $"Chunk {index} arrived before a proof of its leaf.");
        }

        return true;
    }

    /// <summary>In memory: the checked bytes go to the store (the unfinished chunk, as a file's, does not).</summary>
    private void KeepFetched()
    {
        if (_fetched is not null && (_verified > 0 || IsComplete))
        {
            _fetched.Keep(_hash, _capability, _memory!, _verified);
        }

        _fetched = null;
    }

    private void ReturnChunk()
    {
        if (_chunk is not null)
        {
            ArrayPool<byte>.Shared.Return(_chunk);
            _chunk = null;
        }
    }
}
