using System.Buffers;
using Blake3;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;

namespace Tern.Engine.Tests.Protocol;

/// <summary>
/// The payload hash (docs/PROTOCOL.md §4.8): the BLAKE3 package against BLAKE3's published answers, the engine's tree
/// against <see cref="SpecPayloadTree"/> at and around every chunk boundary, whatever the pieces it is streamed in, and
/// range proofs: every range of small trees verifies and yields its leaves, any change to a proof, its range, the size
/// or the hash is refused.
/// </summary>
public sealed class PayloadTreeTests
{
    private const int C = PayloadTree.ChunkSize;

    // Sizes at and around the boundaries where the tree changes shape: one chunk, two, a power of two, one past it.
    private static readonly long[] BoundarySizes =
    [
        0, 1, 2, 1023, 1024, 1025, C - 1, C, C + 1, (2 * C) - 1, 2 * C, (2 * C) + 1, 3 * C, (3 * C) + 7, (4 * C) - 1, 4 * C,
        (4 * C) + 1, (5 * C) - 3, 5 * C, (7 * C) + 100, 8 * C, (8 * C) + 1, 9 * C,
    ];

    [Theory]
    [InlineData(0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262", "2cc39783c223154fea8dfb7c1b1660f2ac2dcbd1c1de8277b0b0dd39b7e50d7d")]
    [InlineData(1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213", "b3e2e340a117a499c6cf2398a19ee0d29cca2bb7404c73063382693bf66cb06c")]
    [InlineData(1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7", "7356cd7720d5b66b6d0697eb3177d9f8d73a4a5c5e968896eb6a689684302706")]
    [InlineData(1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444", "effaa245f065fbf82ac186839a249707c3bddf6d3fdda22d1b95a3c970379bcb")]
    [InlineData(102400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085", "4652cff7a3f385a6103b5c260fc1593e13c778dbe608efb092fe7ee69df6e9c6")]
    public void The_BLAKE3_package_gives_BLAKE3s_published_answers(int length, string hash, string deriveKey)
    {
        // BLAKE3's test_vectors.json: input byte i is i mod 251; derive_key with its test context (first 32 bytes of output).
        var input = new byte[length];
        for (var i = 0; i < length; i++)
        {
            input[i] = (byte)(i % 251);
        }

        Assert.Equal(hash, Convert.ToHexStringLower(Hasher.Hash(input).AsSpan()));
        using var derive = Hasher.NewDeriveKey("BLAKE3 2019-12-27 16:29:52 test vectors context");
        derive.Update(input);
        Assert.Equal(deriveKey, Convert.ToHexStringLower(derive.Finalize().AsSpan()));
    }

    [Fact]
    public void Payload_hashes_match_the_spec_at_every_chunk_boundary_whatever_the_pieces()
    {
        var random = new Random(4_8);
        var payload = Bytes(BoundarySizes[^1], 1);
        foreach (var size in BoundarySizes)
        {
            var slice = payload.AsSpan(0, (int)size);
            var expected = SpecPayloadTree.PayloadHash(slice);

            Assert.Equal(expected, PayloadTree.Hash(slice).ToArray());
            Assert.Equal(SpecPayloadTree.Chunks(size), PayloadTree.ChunkCount(size));
            foreach (var piece in new[] { 1 + random.Next(1000), C, 4096, 65536, 1 + random.Next(3 * C) })
            {
                using var hasher = new PayloadHasher(keepLeaves: true);
                for (var at = 0; at < size; at += piece)
                {
                    hasher.Append(slice.Slice(at, (int)Math.Min(piece, size - at)));
                }

                Assert.Equal(expected, hasher.Finish().ToArray());
                Assert.Equal(size, hasher.Length);
                Assert.Equal(PayloadTree.ChunkCount(size), hasher.Leaves.Length);
                Assert.Equal(expected, new PayloadTreeNodes(hasher.Leaves.ToArray(), size).PayloadHash.ToArray());
            }
        }
    }

    [Fact]
    public void Random_sizes_near_chunk_boundaries_hash_as_the_spec_says()
    {
        var random = new Random(4_9);
        var payload = Bytes(12 * C, 2);
        for (var i = 0; i < 60; i++)
        {
            var size = Math.Clamp(((long)random.Next(0, 12) * C) + random.Next(-3, 4), 0, 12 * C);
            var slice = payload.AsSpan(0, (int)size);
            using var hasher = new PayloadHasher();
            var at = 0;
            while (at < size)
            {
                var piece = Math.Min(random.Next(1, 2 * C), (int)size - at);
                hasher.Append(slice.Slice(at, piece));
                at += piece;
            }

            Assert.Equal(SpecPayloadTree.PayloadHash(slice), hasher.Finish().ToArray());
        }
    }

    [Fact]
    public void Every_node_of_the_level_table_is_the_spec_subtree()
    {
        for (var chunks = 1; chunks <= 13; chunks++)
        {
            var size = ((long)(chunks - 1) * C) + 5;
            var payload = Bytes(size, chunks);
            var nodes = Nodes(payload);
            Walk(0, chunks);

            void Walk(int low, int high)
            {
                Assert.Equal(SpecPayloadTree.Node(payload, low, high), nodes.Node(low, high).ToArray());
                if (high - low > 1)
                {
                    var split = low + (int)PayloadTree.SplitPoint(high - low);
                    Walk(low, split);
                    Walk(split, high);
                }
            }
        }
    }

    [Fact]
    public void Every_range_of_small_trees_proves_its_leaves()
    {
        for (var chunks = 1; chunks <= 11; chunks++)
        {
            var size = ((long)(chunks - 1) * C) + 77;
            var payload = Bytes(size, 10 + chunks);
            var nodes = Nodes(payload);
            for (var first = 0; first < chunks; first++)
            {
                for (var end = first + 1; end <= chunks; end++)
                {
                    var proof = Proof(nodes, first, end - first);
                    Assert.Equal(SpecPayloadTree.Proof(payload, first, end), proof);

                    var leaves = new Bytes32[end - first];
                    Assert.True(PayloadProof.TryVerify(proof, size, nodes.PayloadHash, first, end - first, leaves));
                    for (var k = first; k < end; k++)
                    {
                        Assert.Equal(nodes.Leaf(k), leaves[k - first]);
                    }
                }
            }
        }
    }

    [Fact]
    public void A_proof_with_any_change_is_refused()
    {
        const int Chunks = 7;
        var size = ((long)(Chunks - 1) * C) + 1;
        var nodes = Nodes(Bytes(size, 3));
        var leaves = new Bytes32[Chunks];
        var random = new Random(5_0);
        for (var first = 0; first < Chunks; first++)
        {
            var count = 1 + random.Next(Chunks - first);
            var proof = Proof(nodes, first, count);
            for (var i = 0; i < proof.Length; i += 7)
            {
                proof[i] ^= 0x10;
                Assert.False(PayloadProof.TryVerify(proof, size, nodes.PayloadHash, first, count, leaves));
                proof[i] ^= 0x10;
            }

            Assert.True(PayloadProof.TryVerify(proof, size, nodes.PayloadHash, first, count, leaves));
            Assert.False(PayloadProof.TryVerify(proof.AsSpan(0, proof.Length - 32), size, nodes.PayloadHash, first, count, leaves));
            Assert.False(PayloadProof.TryVerify([.. proof, .. new byte[32]], size, nodes.PayloadHash, first, count, leaves));
            Assert.False(PayloadProof.TryVerify(proof, size + 1, nodes.PayloadHash, first, count, leaves));
            Assert.False(PayloadProof.TryVerify(proof, size - 1, nodes.PayloadHash, first, count, leaves));
            Assert.False(PayloadProof.TryVerify(proof, size, Bytes32.Random(), first, count, leaves));
        }
    }

    [Fact]
    public void Leaves_parents_and_roots_are_kept_apart()
    {
        // A 64-byte chunk made of two nodes is not their parent; a one-chunk payload's hash is not its leaf; the same
        // top with another size is another payload hash.
        var a = Bytes32.Random();
        var b = Bytes32.Random();
        byte[] pair = [.. a.ToArray(), .. b.ToArray()];

        Assert.NotEqual(PayloadTree.Parent(a, b), PayloadTree.Leaf(pair));
        Assert.NotEqual(PayloadTree.Leaf(pair), PayloadTree.Hash(pair));
        Assert.NotEqual(PayloadTree.Root(a, 64), PayloadTree.Root(a, 65));
        Assert.NotEqual(PayloadTree.Root(a, 64), PayloadTree.Parent(a, b));
    }

    private static PayloadTreeNodes Nodes(ReadOnlySpan<byte> payload)
    {
        using var hasher = new PayloadHasher(keepLeaves: true);
        hasher.Append(payload);
        hasher.Finish();
        return new PayloadTreeNodes(hasher.Leaves.ToArray(), payload.Length);
    }

    private static byte[] Proof(PayloadTreeNodes nodes, long first, long count)
    {
        var output = new ArrayBufferWriter<byte>();
        var length = PayloadProof.Write(nodes, first, count, output);
        Assert.Equal(PayloadProof.HashCount(nodes.Count, first, count) * 32, length);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Bytes(long length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
