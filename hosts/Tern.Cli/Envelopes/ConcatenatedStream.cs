namespace Tern.Cli.Envelopes;

/// <summary>A read-only stream of a message head in memory followed by a payload file, from a chosen offset on.</summary>
internal sealed class ConcatenatedStream : Stream
{
    private readonly byte[] _head;
    private readonly Stream _payload;
    private long _position;

    public ConcatenatedStream(byte[] head, Stream payload)
    {
        _head = head;
        _payload = payload;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _head.Length + _payload.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>Starts at <paramref name="offset"/> instead of 0 (a resumed upload).</summary>
    public void Skip(long offset)
    {
        _position = offset;
        _payload.Position = Math.Max(0, offset - _head.Length);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position < _head.Length)
        {
            var n = (int)Math.Min(buffer.Length, _head.Length - _position);
            _head.AsSpan((int)_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        var read = _payload.Read(buffer);
        _position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position < _head.Length)
        {
            return Read(buffer.Span);
        }

        var read = await _payload.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
