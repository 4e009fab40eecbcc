using System.Buffers;

namespace Tern.Engine.Protocol.Payload;

/// <summary>
/// Hashes a payload streamed in pieces of any size into its payload hash (docs/PROTOCOL.md §4.8), keeping its leaves
/// when asked (the transit store persists them to serve proofs). Whole chunks handed over at a chunk boundary are hashed
/// where they lie; other pieces gather in a chunk buffer first. One instance per payload, not thread-safe.
/// </summary>
public sealed class PayloadHasher : IDisposable
{
    private readonly PayloadTreeBuilder _builder = new();
    private readonly bool _keepLeaves;
    private byte[]? _chunk;
    private int _buffered;
    private Bytes32[] _leaves = [];

    /// <summary>A hasher; <paramref name="keepLeaves"/> keeps every leaf for <see cref="Leaves"/>.</summary>
    public PayloadHasher(bool keepLeaves = false) => _keepLeaves = keepLeaves;

    /// <summary>Bytes appended so far.</summary>
    public long Length { get; private set; }

    /// <summary>The leaves of the chunks completed so far (only when kept).</summary>
    public ReadOnlySpan<Bytes32> Leaves => _leaves.AsSpan(0, _keepLeaves ? (int)_builder.Count : 0);

    /// <summary>Adds the next bytes of the payload.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        Length += data.Length;
        while (!data.IsEmpty)
        {
            if (_buffered == 0 && data.Length >= PayloadTree.ChunkSize)
            {
                AddLeaf(PayloadTree.Leaf(data[..PayloadTree.ChunkSize]));
                data = data[PayloadTree.ChunkSize..];
                continue;
            }

            _chunk ??= ArrayPool<byte>.Shared.Rent(PayloadTree.ChunkSize);
            var take = Math.Min(PayloadTree.ChunkSize - _buffered, data.Length);
            data[..take].CopyTo(_chunk.AsSpan(_buffered));
            _buffered += take;
            data = data[take..];
            if (_buffered == PayloadTree.ChunkSize)
            {
                AddLeaf(PayloadTree.Leaf(_chunk));
                _buffered = 0;
            }
        }
    }

    /// <summary>The payload hash of everything appended (the last chunk may be short; no byte at all is one empty chunk).</summary>
    public Bytes32 Finish()
    {
        if (_buffered > 0 || _builder.Count == 0)
        {
            AddLeaf(PayloadTree.Leaf(_chunk.AsSpan(0, _buffered)));
            _buffered = 0;
        }

        return _builder.Root(Length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_chunk is not null)
        {
            ArrayPool<byte>.Shared.Return(_chunk);
            _chunk = null;
        }
    }

    private void AddLeaf(in Bytes32 leaf)
    {
        if (_keepLeaves)
        {
            if (_builder.Count == _leaves.Length)
            {
                Array.Resize(ref _leaves, Math.Max(16, _leaves.Length * 2));
            }

            _leaves[_builder.Count] = leaf;
        }

        _builder.AddLeaf(leaf);
    }
}
