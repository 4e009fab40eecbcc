using Tern.Engine.Storage;

namespace Tern.Engine.Tests.Transit;

/// <summary>A file system whose free space the test sets.</summary>
internal sealed class SettableDiskSpace : IDiskSpace
{
    private long _available;

    public long Available
    {
        get => Interlocked.Read(ref _available);
        set => Interlocked.Exchange(ref _available, value);
    }

    public long AvailableBytes(string directory) => Available;
}
