using Tern.Engine.Protocol;
using Tern.Engine.Pull;

namespace Tern.Fetch.Tests;

/// <summary>
/// A real fetch source whose bytes are changed on the way in: the byte at blob offset <c>corruptAt</c> is flipped (a
/// broken or lying door, a corrupting middlebox). Records the offsets it was asked to fetch from and how far the blob's
/// bytes reached the destination.
/// </summary>
public sealed class TamperingSource(IFetchSource inner, long corruptAt) : IFetchSource
{
    public string Address => inner.Address;

    public long CorruptAt => corruptAt;

    public List<long> Offsets { get; } = [];

    /// <summary>The blob offset up to which bytes were handed to the destination.</summary>
    public long Reached { get; private set; }

    /// <summary>Where the last write handed to the destination started.</summary>
    public long LastWriteStart { get; private set; }

    public Task<FetchResponse> FetchAsync(FetchCapability capability, Stream destination, long offset, PayloadVerifier? verifier, CancellationToken cancellationToken)
    {
        Offsets.Add(offset);
        return inner.FetchAsync(capability, new Tamper(this, destination, offset), offset, verifier, cancellationToken);
    }

    public Task<FetchResponse> FetchProofAsync(FetchCapability capability, PayloadVerifier verifier, long offset, CancellationToken cancellationToken)
        => inner.FetchProofAsync(capability, verifier, offset, cancellationToken);

    /// <summary>A factory handing out this source for one URI and the inner factory's sources for the others.</summary>
    public static IFetchSourceFactory Factory(IFetchSourceFactory inner, string uri, Func<IFetchSource, IFetchSource> wrap) => new WrappingFactory(inner, uri, wrap);

    private sealed class WrappingFactory(IFetchSourceFactory inner, string uri, Func<IFetchSource, IFetchSource> wrap) : IFetchSourceFactory
    {
        private IFetchSource? _wrapped;

        public IFetchSource? Create(string candidate) => candidate == uri
            ? _wrapped ??= wrap(inner.Create(candidate)!)
            : inner.Create(candidate);
    }

    private sealed class Tamper(TamperingSource owner, Stream destination, long start) : Stream
    {
        private long _at = start;

        public override bool CanRead => false;

        public override bool CanSeek => destination.CanSeek;

        public override bool CanWrite => true;

        public override long Length => destination.Length;

        public override long Position { get => destination.Position; set => destination.Position = value; }

        public override void Flush() => destination.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => destination.Seek(offset, origin);

        public override void SetLength(long value)
        {
            destination.SetLength(value);
            _at = value;
        }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var copy = buffer.ToArray();
            if (owner.CorruptAt >= _at && owner.CorruptAt < _at + copy.Length)
            {
                copy[owner.CorruptAt - _at] ^= 0x40;
            }

            owner.LastWriteStart = _at;
            _at += copy.Length;
            owner.Reached = _at;
            await destination.WriteAsync(copy, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
