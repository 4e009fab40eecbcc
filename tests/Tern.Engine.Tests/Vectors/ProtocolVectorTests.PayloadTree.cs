using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Tests.Protocol;

namespace Tern.Engine.Tests.Vectors;

/// <summary>payload-tree.json (docs/PROTOCOL.md §4.8).</summary>
public sealed partial class ProtocolVectorTests
{
    [Fact]
    public void Payload_tree_encodes_from_the_payload_rule()
    {
        var vector = VectorDocument.Load("payload-tree.json");
        Assert.Equal(PayloadTree.ChunkSize, vector["chunk_size"].Int32());
        Assert.Equal(PayloadTree.ParentContext, vector["parent_context"].Text());
        Assert.Equal(PayloadTree.RootContext, vector["root_context"].Text());
        foreach (var entry in vector["payloads"].Array())
        {
            var size = entry!["size"].Int64();
            var payload = new byte[size];
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] = (byte)(i % 251);
            }

            var leaves = entry["leaves"].Array().Select(leaf => leaf.Hex()).ToArray();
            Assert.Equal(entry["chunks"].Int64(), leaves.Length);
            Assert.Equal(PayloadTree.ChunkCount(size), leaves.Length);
            for (var k = 0; k < leaves.Length; k++)
            {
                var start = k * SpecPayloadTree.Chunk;
                Assert.Equal(leaves[k], SpecPayloadTree.Leaf(payload.AsSpan(start, (int)Math.Min(SpecPayloadTree.Chunk, size - start))));
            }

            // Each listed parent from the spec's recursion, and from its two children as the file gives them.
            foreach (var parent in entry["parents"].Array())
            {
                var range = parent!["chunks"].Text().Split('-').Select(int.Parse).ToArray();
                Assert.Equal(parent["hash"].Hex(), SpecPayloadTree.Node(payload, range[0], range[1]));
            }

            Assert.Equal(entry["top"].Hex(), SpecPayloadTree.Node(payload, 0, leaves.Length));
            Assert.Equal(entry["payload_hash"].Hex(), SpecPayloadTree.Root(entry["top"].Hex(), size));
            Assert.Equal(entry["payload_hash"].Hex(), PayloadTree.Hash(payload).ToArray());
            Assert.Equal(entry["payload_hash_base64url"].Text(), PayloadTree.Hash(payload).ToString());
        }
    }

    [Fact]
    public void Payload_tree_proofs_decode_to_their_leaves()
    {
        var vector = VectorDocument.Load("payload-tree.json");
        var payloads = vector["payloads"].Array().ToDictionary(p => p!["name"].Text(), p => p!, StringComparer.Ordinal);
        foreach (var entry in vector["proofs"].Array())
        {
            var payload = payloads[entry!["payload"].Text()];
            var first = entry["first"].Int64();
            var count = entry["count"].Int64();
            var proof = entry["proof"].Hex();
            var leaves = new Bytes32[count];

            Assert.True(PayloadProof.TryVerify(proof, payload["size"].Int64(), new Bytes32(payload["payload_hash"].Hex()), first, count, leaves));
            var expected = payload["leaves"].Array().Skip((int)first).Take((int)count).Select(leaf => leaf.Hex());
            Assert.Equal(expected, leaves.Select(leaf => leaf.ToArray()));

            // The spec's walk over the payload gives the same bytes.
            var bytes = new byte[payload["size"].Int64()];
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)(i % 251);
            }

            Assert.Equal(proof, SpecPayloadTree.Proof(bytes, (int)first, (int)(first + count)));
        }
    }
}
