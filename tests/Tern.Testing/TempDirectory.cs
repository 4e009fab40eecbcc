namespace Tern.Testing;

/// <summary>
/// A fresh directory under the temp folder's <c>tern-tests</c>, created at once and deleted with everything in it on
/// dispose. Every test that needs real files takes one; none builds its own path.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates <c>&lt;temp&gt;/tern-tests/&lt;prefix&gt;-&lt;guid&gt;</c>.</summary>
    /// <param name="prefix">Names the directory after what it holds, so a leftover one says which test left it.</param>
    public TempDirectory(string prefix = "test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tern-tests", prefix + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>The path of <paramref name="parts"/> inside the directory (nothing is created).</summary>
    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>
    /// Total length of the files under <paramref name="subdirectory"/> (the whole directory when null), of those whose path
    /// <paramref name="include"/> accepts when given. A file deleted while it is walked counts nothing: stores free log
    /// segments in the background.
    /// </summary>
    public long SizeOfFiles(string? subdirectory = null, Func<string, bool>? include = null)
    {
        var root = subdirectory is null ? Path : File(subdirectory);
        long total = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            if (include is not null && !include(file))
            {
                continue;
            }

            try
            {
                total += new FileInfo(file).Length;
            }
            catch (FileNotFoundException)
            {
                // Freed between the listing and the stat.
            }
        }

        return total;
    }

    /// <summary>
    /// Deletes the directory and everything in it (a test may have deleted it already). A store's background thread may
    /// still free or rename a file as the walk passes it: the delete is tried again, and a directory still there after
    /// the last try is left for the temp folder's cleanup, named after its test, rather than failing a test that passed.
    /// </summary>
    public void Dispose()
    {
        for (var attempt = 0; attempt < 3 && Directory.Exists(Path); attempt++)
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Changed under the walk (DirectoryNotFound is an IOException too): walk it again.
            }
        }
    }
}
