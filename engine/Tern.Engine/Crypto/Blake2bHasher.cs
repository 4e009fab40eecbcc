using NSec.Cryptography;

namespace Tern.Engine.Crypto;

/// <summary>
/// Incremental BLAKE2b for streamed payloads (a blob hashed chunk by chunk as it is written or fetched), through NSec's
/// <see cref="IncrementalHash"/>. One instance per stream, not thread-safe.
/// </summary>
public sealed class Blake2bHasher : IDisposable
{
    private readonly int _hashSize;
    private IncrementalHash _state;
    private bool _finished;

    /// <summary>Starts a hash of <paramref name="hashSize"/> bytes (32–64).</summary>
    public Blake2bHasher(int hashSize = Blake2b.HashSize)
    {
        Blake2b.CheckSizes(hashSize, 0);
        _hashSize = hashSize;
        IncrementalHash.Initialize(Blake2b.Unkeyed(hashSize), out _state);
    }

    /// <summary>Adds bytes to the hash.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        IncrementalHash.Update(ref _state, data);
    }

    /// <summary>Writes the digest; the hasher cannot be appended to afterwards.</summary>
    public void Finish(Span<byte> hash)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        Sodium.CheckLength(hash.Length, _hashSize, nameof(hash));
        IncrementalHash.Finalize(ref _state, hash);
        _finished = true;
    }

    /// <inheritdoc />
    public void Dispose() => _finished = true;
}
