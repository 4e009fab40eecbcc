using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Tern.Engine.Protocol.Payload;

namespace Tern.Vectors;

/// <summary>payload-tree.json: the payload hash (§4.8) of payloads around the chunk boundaries, with every node, and range proofs.</summary>
internal static class PayloadTreeVectors
{
    public const string FileName = "payload-tree.json";

    private const int C = PayloadTree.ChunkSize;

    private const string Description =
        "Payload hash (PROTOCOL.md §4.8). Payload byte i is i mod 251 (payloads are too large to list). Chunks are 262144 "
        + "bytes; \"leaves\" are BLAKE3 of each chunk; \"parents\" lists every parent node with the chunks [first, end) it "
        + "covers, bottom-up; \"top\" is the node over every chunk; \"payload_hash\" is BLAKE3 derive_key with context "
        + "\"tern/v1/payload-root\" over top || u64 big-endian size. \"proofs\" are range proofs for chunks [first, first + count): "
        + "hashes in depth-first, left-to-right order. Bytes lower-case hex.";

    /// <summary>The cases: name and payload size.</summary>
    public static IReadOnlyList<(string Name, long Size)> Cases { get; } =
    [
        ("empty", 0),
        ("one_byte", 1),
        ("one_chunk", C),
        ("one_chunk_plus_one", C + 1),
        ("five_chunks_partial_last", (4L * C) + 1000),
        ("seven_chunks_partial_last", (6L * C) + 1),
    ];

    /// <summary>The proofs listed: case name, first chunk, chunk count.</summary>
    public static IReadOnlyList<(string Case, long First, long Count)> Proofs { get; } =
    [
        ("one_chunk_plus_one", 1, 1),
        ("five_chunks_partial_last", 1, 2),
        ("five_chunks_partial_last", 4, 1),
        ("seven_chunks_partial_last", 0, 7),
        ("seven_chunks_partial_last", 5, 1),
    ];

    /// <summary>Payload byte i is i mod 251.</summary>
    public static byte[] Payload(long size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }

    public static VectorFile Build() => VectorJson.Document(FileName, Description, json =>
    {
        json.WriteNumber("chunk_size", C);
        json.WriteString("parent_context", PayloadTree.ParentContext);
        json.WriteString("root_context", PayloadTree.RootContext);
        json.WriteStartArray("payloads");
        var trees = new Dictionary<string, PayloadTreeNodes>(StringComparer.Ordinal);
        foreach (var (name, size) in Cases)
        {
            var payload = Payload(size);
            using var hasher = new PayloadHasher(keepLeaves: true);
            hasher.Append(payload);
            var hash = hasher.Finish();
            var nodes = new PayloadTreeNodes(hasher.Leaves.ToArray(), size);
            trees[name] = nodes;

            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteNumber("size", size);
            json.WriteNumber("chunks", nodes.Count);
            json.WriteStartArray("leaves");
            for (var i = 0; i < nodes.Count; i++)
            {
                json.WriteStringValue(Convert.ToHexStringLower(nodes.Leaf(i).ToArray()));
            }

            json.WriteEndArray();
            json.WriteStartArray("parents");
            WriteParents(json, nodes, 0, nodes.Count);
            json.WriteEndArray();
            json.WriteHex("top", nodes.Node(0, nodes.Count).ToArray());
            json.WriteHex("payload_hash", hash.ToArray());
            json.WriteBase64Url("payload_hash_base64url", hash.ToArray());
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("proofs");
        foreach (var (name, first, count) in Proofs)
        {
            var output = new ArrayBufferWriter<byte>();
            PayloadProof.Write(trees[name], first, count, output);
            json.WriteStartObject();
            json.WriteString("payload", name);
            json.WriteNumber("first", first);
            json.WriteNumber("count", count);
            json.WriteHex("proof", output.WrittenSpan);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    });

    // Bottom-up: a node's children come before it, so the list reads as the order a builder computes them.
    private static void WriteParents(Utf8JsonWriter json, PayloadTreeNodes nodes, long low, long high)
    {
        if (high - low == 1)
        {
            return;
        }

        var split = low + PayloadTree.SplitPoint(high - low);
        WriteParents(json, nodes, low, split);
        WriteParents(json, nodes, split, high);
        json.WriteStartObject();
        json.WriteString("chunks", string.Create(CultureInfo.InvariantCulture, $"{low}-{high}"));
        json.WriteHex("hash", nodes.Node(low, high).ToArray());
        json.WriteEndObject();
    }
}
