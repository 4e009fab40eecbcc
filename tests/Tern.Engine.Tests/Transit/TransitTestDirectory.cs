namespace Tern.Engine.Tests.Transit;

/// <summary>A unique temporary directory, deleted with the test.</summary>
public sealed class TransitTestDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tern-tests", "transit-" + Guid.NewGuid().ToString("N"));

    public TransitTestDirectory() => Directory.CreateDirectory(Path);

    /// <summary>Total length of the files under the directory: what the store keeps on disk.</summary>
    /// <summary>
    /// Total length of the files under the directory; without <paramref name="includeCommitMetadata"/>, only the log
    /// data files (FASTER rewrites and removes its small commit files in the background).
    /// </summary>
    public long SizeOnDisk(bool includeCommitMetadata)
    {
        long total = 0;
        foreach (var file in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
        {
            if (!includeCommitMetadata && file.Contains($"{System.IO.Path.DirectorySeparatorChar}commits{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                total += new FileInfo(file).Length;
            }
            catch (FileNotFoundException)
            {
                // Deleted while we walked (a segment freed by a concurrent commit).
            }
        }

        return total;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
