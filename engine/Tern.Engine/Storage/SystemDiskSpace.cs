namespace Tern.Engine.Storage;

/// <summary>The file system's own answer (<see cref="DriveInfo.AvailableFreeSpace"/>: <c>statvfs</c>'s blocks available to unprivileged users).</summary>
public sealed class SystemDiskSpace : IDiskSpace
{
    /// <summary>The one instance.</summary>
    public static SystemDiskSpace Instance { get; } = new();

    private SystemDiskSpace()
    {
    }

    /// <inheritdoc/>
    public long AvailableBytes(string directory) => new DriveInfo(directory).AvailableFreeSpace;
}
