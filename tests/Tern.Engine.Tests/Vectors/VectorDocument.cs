using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Tern.Engine.Keys;

namespace Tern.Engine.Tests.Vectors;

/// <summary>Reads the committed files of tests/vectors/ (copied next to the test assembly) and their fields.</summary>
internal static class VectorDocument
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "vectors");

    public static JsonNode Load(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, name)))
        ?? throw new InvalidDataException($"{name} is not a JSON document.");

    /// <summary>A lower-case hex field as bytes; upper case would mean the file was not written by the generator.</summary>
    public static byte[] Hex(this JsonNode? node)
    {
        var text = node.Text();
        Assert.Equal(text.ToLowerInvariant(), text);
        return Convert.FromHexString(text);
    }

    public static byte[] Base64UrlBytes(this JsonNode? node) => Base64Url.DecodeFromChars(node.Text());

    public static string Text(this JsonNode? node) => Required(node).GetValue<string>();

    public static byte[] Ascii(this JsonNode? node) => Encoding.ASCII.GetBytes(node.Text());

    public static long Int64(this JsonNode? node) => Required(node).GetValue<long>();

    public static ulong UInt64(this JsonNode? node) => Required(node).GetValue<ulong>();

    public static int Int32(this JsonNode? node) => Required(node).GetValue<int>();

    public static bool Boolean(this JsonNode? node) => Required(node).GetValue<bool>();

    public static JsonArray Array(this JsonNode? node) => Required(node).AsArray();

    public static string[] Strings(this JsonNode? node) => [.. node.Array().Select(entry => entry.Text())];

    /// <summary>The key set of <paramref name="domain"/> from keys.json's secrets.</summary>
    public static DomainKeySet DomainKeys(string domain)
    {
        var entry = Load("keys.json")["domains"].Array().Single(d => d!["domain"].Text() == domain);
        return DomainKeySet.FromSecrets(domain, entry!["signing_seed"].Hex(), entry["agreement_secret"].Hex(), DateTimeOffset.UnixEpoch);
    }

    private static JsonNode Required(JsonNode? node) => node ?? throw new InvalidDataException("A vector field is missing.");
}
