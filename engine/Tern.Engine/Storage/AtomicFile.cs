namespace Tern.Engine.Storage;

/// <summary>Whole-file replacement that a crash leaves either old or new, never half written.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="data"/> to a temporary file beside <paramref name="path"/>, flushes it to disk, and renames it over <paramref name="path"/>.</summary>
    public static void Write(string path, ReadOnlySpan<byte> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(data);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
