namespace Tern.Engine.Storage;

/// <summary>How much space a directory's file system has left for this process (what <c>statvfs</c> calls available).</summary>
public interface IDiskSpace
{
    /// <summary>Bytes an unprivileged writer may still write on the file system holding <paramref name="directory"/>.</summary>
    long AvailableBytes(string directory);
}
