using System.Security.Cryptography;

namespace Tern.Engine.Storage;

/// <summary>
/// Whole-file replacement that a crash leaves either old or new, never half written: the content goes to a temporary
/// file beside the target, is flushed to disk, renamed over the target, and the directory is flushed so that the
/// rename itself survives.
/// </summary>
/// <remarks>
/// The temporary file carries secrets (the domain key set), so it is always a new file (<c>O_EXCL</c>: nothing planted at
/// its name, file or link, is reused or followed) under a name with 128 random bits, with its final mode from the
/// moment it exists, and it is removed when the write fails.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="data"/>; the file gets <paramref name="mode"/> when given.</summary>
    /// <param name="path">The file replaced.</param>
    /// <param name="data">Its new content.</param>
    /// <param name="mode">The new file's mode, or null for the process's default.</param>
    /// <param name="syncDirectory">
    /// Whether to flush the directory after the rename. A caller replacing many files of one directory passes false and
    /// flushes the directory once at the end (<see cref="DirectorySync.Flush"/>); until then a crash may leave any of
    /// them old, none half written.
    /// </param>
    public static void Write(string path, ReadOnlySpan<byte> data, UnixFileMode? mode = null, bool syncDirectory = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var temporary = TemporaryName(path);
        var exists = false;
        try
        {
            using (var stream = Create(temporary, mode))
            {
                exists = true;
                stream.Write(data);
                stream.Flush(flushToDisk: true);
            }

            Replace(temporary, path, ref exists, syncDirectory);
        }
        catch when (exists)
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Replaces <paramref name="path"/> with what <paramref name="write"/> writes to the stream it is given.</summary>
    public static void Write(string path, Action<Stream> write, UnixFileMode? mode = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var temporary = TemporaryName(path);
        var exists = false;
        try
        {
            using (var stream = Create(temporary, mode))
            {
                exists = true;
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            Replace(temporary, path, ref exists, syncDirectory: true);
        }
        catch when (exists)
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Beside the target (a rename stays within one file system), unguessable, so nobody can prepare it.</summary>
    private static string TemporaryName(string path) => $"{path}.{RandomNumberGenerator.GetHexString(32, lowercase: true)}.tmp";

    private static FileStream Create(string path, UnixFileMode? mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16 };
        if (mode is { } created)
        {
            options.UnixCreateMode = created;
        }

        var stream = new FileStream(path, options);
        if (mode is { } exact)
        {
            try
            {
                // The umask may have narrowed the mode it was created with; set exactly what was asked, through the
                // handle (never the name), before a byte is written.
                File.SetUnixFileMode(stream.SafeFileHandle, exact);
            }
            catch
            {
                stream.Dispose();
                File.Delete(path);
                throw;
            }
        }

        return stream;
    }

    private static void Replace(string temporary, string path, ref bool temporaryExists, bool syncDirectory)
    {
        File.Move(temporary, path, overwrite: true);
        temporaryExists = false;
        if (syncDirectory)
        {
            DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The write's own failure is what the caller needs to see; a leftover temporary is harmless.
        }
    }
}
