using System.Text.Json;

namespace Tern.Fuzz;

/// <summary>The committed protocol vectors (tests/vectors/*.json), read as the seeds' source.</summary>
public sealed class VectorSeeds
{
    private readonly string _directory;
    private readonly Dictionary<string, JsonElement> _files = new(StringComparer.Ordinal);

    /// <summary>Reads vectors from <paramref name="directory"/>.</summary>
    public VectorSeeds(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = directory;
    }

    /// <summary>The root element of <paramref name="file"/> (e.g. <c>receipt.json</c>).</summary>
    public JsonElement File(string file)
    {
        if (!_files.TryGetValue(file, out var root))
        {
            using var document = JsonDocument.Parse(System.IO.File.ReadAllBytes(Path.Combine(_directory, file)));
            root = document.RootElement.Clone();
            _files.Add(file, root);
        }

        return root;
    }

    /// <summary>The hex string at <paramref name="property"/> of <paramref name="element"/>, as bytes.</summary>
    public static byte[] Hex(JsonElement element, string property) => Convert.FromHexString(element.GetProperty(property).GetString()!);

    /// <summary>The string at <paramref name="property"/> of <paramref name="element"/>.</summary>
    public static string Text(JsonElement element, string property) => element.GetProperty(property).GetString()!;
}
