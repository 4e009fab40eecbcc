using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tern.Vectors;

/// <summary>
/// Writes a vector document: an indented JSON object (two spaces, LF) that opens with its <c>description</c>.
/// Bytes are lower-case hex; keys and hashes whose text form in the spec is base64url (§2.3) are base64url.
/// </summary>
internal static class VectorJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        IndentSize = 2,
        NewLine = "\n",
        // Keeps '+' of "tern+tcp://" and the like readable; the files are never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A document named <paramref name="name"/> whose members <paramref name="body"/> writes after the description.</summary>
    public static VectorFile Document(string name, string description, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteString("description", description);
            body(writer);
            writer.WriteEndObject();
        }

        return new VectorFile(name, Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n");
    }

    public static void WriteHex(this Utf8JsonWriter writer, string name, ReadOnlySpan<byte> bytes)
        => writer.WriteString(name, Convert.ToHexStringLower(bytes));

    public static void WriteBase64Url(this Utf8JsonWriter writer, string name, ReadOnlySpan<byte> bytes)
        => writer.WriteString(name, Base64Url.EncodeToString(bytes));

    public static void WriteStrings(this Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
