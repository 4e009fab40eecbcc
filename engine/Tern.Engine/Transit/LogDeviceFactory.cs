using FASTER.core;
using Tern.Engine.Storage;

namespace Tern.Engine.Transit;

/// <summary>Opens the device and the commit manager of one transit log, as <see cref="TransitLogWrites"/> asks.</summary>
internal static class LogDeviceFactory
{
    /// <summary>
    /// The device writing segments <c>&lt;logPath&gt;.&lt;n&gt;</c> and the slot commit manager in
    /// <paramref name="commitDirectory"/>, in the log's own format (<see cref="TransitLogFormat"/>): a plain log that
    /// <see cref="TransitLogWrites.DataSync"/> is configured for opens with <paramref name="plainWrites"/>. For
    /// <see cref="TransitLogWrites.PageCache"/> and <see cref="TransitLogWrites.Direct"/> the manager makes the device's
    /// writes durable before each commit record; for <see cref="TransitLogWrites.DataSync"/> (<c>FastCommit</c> true)
    /// each write is durable as it completes and the manager writes its slot only every <paramref name="metadataInterval"/>.
    /// The caller disposes both (the manager first) and builds the log with <see cref="Settings"/>.
    /// </summary>
    public static (IDevice Device, SlotCommitManager Commits, bool FastCommit) Open(string logPath, string commitDirectory, TransitLogWrites configured, TransitLogWrites plainWrites, TimeSpan metadataInterval, bool startWriteback, Action<Exception> commitFailed)
    {
        var writes = TransitLogFormat.Resolve(logPath, commitDirectory, configured, plainWrites);
        if (writes == TransitLogWrites.WriteThrough)
        {
            var fasterDevice = Devices.CreateLogDevice(logPath);
            try
            {
                return (fasterDevice, new SlotCommitManager(commitDirectory, flushData: null, commitFailed), false);
            }
            catch
            {
                fasterDevice.Dispose();
                throw;
            }
        }

        var dataSync = writes == TransitLogWrites.DataSync;
        var device = new SegmentFileDevice(logPath, startWriteback && !dataSync, direct: dataSync || writes == TransitLogWrites.Direct, dataSync: dataSync);
        try
        {
            var commits = dataSync
                ? new SlotCommitManager(commitDirectory, flushData: null, commitFailed, metadataInterval)
                : new SlotCommitManager(commitDirectory, device.FlushDirty, commitFailed);
            return (device, commits, dataSync);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Once FasterLog has recovered a log opened by <see cref="Open"/>: on a data-sync device, drops what lies past the
    /// recovered tail (<see cref="SegmentFileDevice.DiscardPast"/>), before anything is written.
    /// </summary>
    public static void Recovered(IDevice device, FasterLog log)
    {
        if (device is SegmentFileDevice { IsDataSync: true } dataSync)
        {
            dataSync.DiscardPast(log.TailAddress);
        }
    }

    /// <summary>FasterLog's settings for a log opened by <see cref="Open"/>: checksummed entries and fast commit when <paramref name="fastCommit"/>.</summary>
    public static FasterLogSettings Settings(IDevice device, SlotCommitManager commits, bool fastCommit, int pageSizeBits, int memorySizeBits, int segmentSizeBits) => new()
    {
        LogDevice = device,
        LogCommitManager = commits,
        PageSizeBits = pageSizeBits,
        MemorySizeBits = memorySizeBits,
        SegmentSizeBits = segmentSizeBits,
        LogChecksum = fastCommit ? LogChecksumType.PerEntry : LogChecksumType.None,
        FastCommitMode = fastCommit,
    };
}
