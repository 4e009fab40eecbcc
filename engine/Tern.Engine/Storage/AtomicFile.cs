using Tern.Engine.Transit;

namespace Tern.Engine.Storage;

/// <summary>
/// Whole-file replacement that a crash leaves either old or new, never half written: the content goes to a temporary
/// file beside the target, is flushed to disk, renamed over the target, and the directory is flushed so that the
/// rename itself survives.
/// </summary>
public static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="data"/>.</summary>
    public static void Write(string path, ReadOnlySpan<byte> data, UnixFileMode? mode = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var temporary = path + ".tmp";
        using (var stream = Create(temporary, mode))
        {
            stream.Write(data);
            stream.Flush(flushToDisk: true);
        }

        Replace(temporary, path, mode);
    }

    /// <summary>Replaces <paramref name="path"/> with what <paramref name="write"/> writes to the stream it is given.</summary>
    public static void Write(string path, Action<Stream> write, UnixFileMode? mode = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var temporary = path + ".tmp";
        using (var stream = Create(temporary, mode))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }

        Replace(temporary, path, mode);
    }

    private static FileStream Create(string path, UnixFileMode? mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16 };
        if (mode is { } created && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = created;
        }

        return new FileStream(path, options);
    }

    private static void Replace(string temporary, string path, UnixFileMode? mode)
    {
        // The umask narrows a created file's mode; a secret's must be exactly what was asked, before it gets its name.
        if (mode is { } exact && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, exact);
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
