using System.Runtime.InteropServices;
using FASTER.core;
using Tern.Engine.Pending;

namespace Tern.Engine.Tests.Pending;

/// <summary>
/// The pending table's log device on real files: what FASTER's device would read back, through the read-ahead hint, in
/// every segment; a segment not yet written is read as FASTER's device reads it; a removed segment's file is deleted and
/// no handle of the device keeps it open.
/// </summary>
public sealed class ReadAheadDeviceTests : IDisposable
{
    private const long SegmentBytes = 1L << 16;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new("readahead");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Reads_return_what_was_written_in_each_segment_and_a_removed_segment_is_closed_and_deleted()
    {
        var path = Path.Combine(_directory.Path, "hlog.log");
        using var device = ReadAheadDevice.Create(path, readAhead: true);
        Assert.IsType<ReadAheadDevice>(device);
        device.Initialize(SegmentBytes);

        var first = Pattern(4096, 1);
        var second = Pattern(4096, 2);
        Assert.Equal(0u, await WriteAsync(device, first, (ulong)(SegmentBytes - 4096)));
        Assert.Equal(0u, await WriteAsync(device, second, (ulong)SegmentBytes + 512));

        // Unaligned within the page, as a record's read is: the hint covers what the read asks for.
        Assert.Equal(first.AsSpan(1024, 1024).ToArray(), await ReadAsync(device, (ulong)(SegmentBytes - 4096 + 1024), 1024));
        Assert.Equal(second, await ReadAsync(device, (ulong)SegmentBytes + 512, 4096));

        using (var plain = Devices.CreateLogDevice(Path.Combine(_directory.Path, "plain.log"), preallocateFile: false, deleteOnClose: false))
        {
            plain.Initialize(SegmentBytes);
            Assert.Equal(await ReadAsync(plain, 5 * (ulong)SegmentBytes, 512), await ReadAsync(device, 5 * (ulong)SegmentBytes, 512));
        }

        device.RemoveSegment(0);
        Assert.False(File.Exists(path + ".0"));
        Assert.DoesNotContain(OpenFiles(), target => target.StartsWith(path + ".0", StringComparison.Ordinal));
        Assert.Equal(second, await ReadAsync(device, (ulong)SegmentBytes + 512, 4096));

        device.Dispose();
        Assert.DoesNotContain(OpenFiles(), target => target.StartsWith(path, StringComparison.Ordinal));
    }

    [Fact]
    public void Without_read_ahead_the_table_gets_FASTERs_own_device()
        => Assert.IsNotType<ReadAheadDevice>(ReadAheadDevice.Create(Path.Combine(_directory.Path, "off.log"), readAhead: false));

    private static string[] OpenFiles()
        => OperatingSystem.IsLinux()
            ? Directory.GetFiles("/proc/self/fd").Select(fd => new FileInfo(fd).LinkTarget ?? "").ToArray()
            : [];

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<uint> WriteAsync(IDevice device, byte[] data, ulong address)
    {
        var done = new TaskCompletionSource<uint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
        try
        {
            device.WriteAsync(handle.AddrOfPinnedObject(), address, (uint)data.Length, (error, _, _) => done.SetResult(error), data);
            return await done.Task.WaitAsync(Timeout);
        }
        finally
        {
            handle.Free();
        }
    }

    private static async Task<byte[]> ReadAsync(IDevice device, ulong address, int length)
    {
        var data = new byte[length];
        var done = new TaskCompletionSource<uint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
        try
        {
            device.ReadAsync(address, handle.AddrOfPinnedObject(), (uint)length, (error, _, _) => done.SetResult(error), data);
            Assert.Equal(0u, await done.Task.WaitAsync(Timeout));
            return data;
        }
        finally
        {
            handle.Free();
        }
    }
}
