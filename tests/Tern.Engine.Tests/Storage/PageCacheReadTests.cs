using System.Runtime.InteropServices;
using Tern.Engine.Storage;

namespace Tern.Engine.Tests.Storage;

/// <summary>
/// Reads from the page cache only (<see cref="PageCacheRead"/>), on real files: bytes just written are read whole on the
/// caller's thread; bytes the cache no longer holds, or fewer bytes than asked, are "not read", for the caller to read
/// them the ordinary way.
/// </summary>
public sealed partial class PageCacheReadTests : IDisposable
{
    private const int DontNeed = 4;
    private readonly TempDirectory _directory = new("pagecache");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Bytes_just_written_are_read_from_the_cache_into_both_buffers()
    {
        var path = Path.Combine(_directory.Path, "segment");
        var content = new byte[8192];
        Random.Shared.NextBytes(content);
        File.WriteAllBytes(path, content);
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous);

        var header = new byte[12];
        var body = new byte[1000];
        Assert.True(PageCacheRead.TryRead(file, header, body, 100));
        Assert.Equal(content.AsSpan(100, 12).ToArray(), header);
        Assert.Equal(content.AsSpan(112, 1000).ToArray(), body);
    }

    [Fact]
    public void A_read_past_the_end_or_of_bytes_the_cache_dropped_is_not_read()
    {
        var path = Path.Combine(_directory.Path, "segment");
        var content = new byte[1 << 20];
        Random.Shared.NextBytes(content);
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous);
        Assert.False(PageCacheRead.TryRead(file, new byte[12], new byte[100], content.Length - 50));

        // Clean pages dropped from the cache: the read would wait for the disk, so it is not made. (A file system in
        // memory keeps them: nothing to drop there.)
        if (new DriveInfo(_directory.Path).DriveFormat == "tmpfs")
        {
            return;
        }

        Assert.Equal(0, PosixFadvise(file, 0, 0, DontNeed));
        Assert.False(PageCacheRead.TryRead(file, new byte[12], new byte[4096], 512 * 1024));

        // The ordinary read still gets them (and caches them again).
        var body = new byte[4096];
        Assert.Equal(4096, RandomAccess.Read(file, body, 512 * 1024 + 12));
        Assert.Equal(content.AsSpan(512 * 1024 + 12, 4096).ToArray(), body);
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(Microsoft.Win32.SafeHandles.SafeFileHandle fd, long offset, long length, int advice);
}
