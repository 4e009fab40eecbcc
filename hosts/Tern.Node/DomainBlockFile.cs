using Tern.Engine.Ingest;

namespace Tern.Node;

/// <summary>
/// Keeps the operator's domain blocks in <c>blocks.txt</c> (one domain a line) so they survive a restart: read before the
/// notification port opens, written whole (through a temporary) after each change.
/// </summary>
internal static class DomainBlockFile
{
    /// <summary>Loads <paramref name="path"/> into <paramref name="blocks"/> (once per node) and saves every later change to it.</summary>
    public static void Attach(DomainBlockList blocks, string path)
    {
        if (File.Exists(path))
        {
            var line = 0;
            foreach (var text in File.ReadAllLines(path))
            {
                line++;
                if (text.Trim() is { Length: > 0 } domain && !domain.StartsWith('#'))
                {
                    try
                    {
                        blocks.Add(domain);
                    }
                    catch (ArgumentException e)
                    {
                        throw new TernConfigurationException($"{path}:{line}", domain, e.Message, e);
                    }
                }
            }
        }

        blocks.Changed += domains => Save(path, domains);
    }

    private static void Save(string path, IReadOnlyList<string> domains)
    {
        var temporary = path + ".tmp";
        File.WriteAllLines(temporary, domains);
        File.Move(temporary, path, overwrite: true);
    }
}
