using FASTER.core;
using Tern.Engine.Storage;

namespace Tern.Engine.Transit;

/// <summary>Opens the device and the commit manager of one transit log, as <see cref="TransitLogWrites"/> asks.</summary>
internal static class LogDeviceFactory
{
    /// <summary>
    /// The device writing segments <c>&lt;logPath&gt;.&lt;n&gt;</c> and the slot commit manager in
    /// <paramref name="commitDirectory"/>; for <see cref="TransitLogWrites.PageCache"/> and <see cref="TransitLogWrites.Direct"/> the manager makes the device's
    /// writes durable before each commit record. The caller disposes both (the manager first).
    /// </summary>
    public static (IDevice Device, SlotCommitManager Commits) Open(string logPath, string commitDirectory, TransitLogWrites writes, bool startWriteback, Action<Exception> commitFailed)
    {
        if (writes == TransitLogWrites.WriteThrough)
        {
            var fasterDevice = Devices.CreateLogDevice(logPath);
            try
            {
                return (fasterDevice, new SlotCommitManager(commitDirectory, flushData: null, commitFailed));
            }
            catch
            {
                fasterDevice.Dispose();
                throw;
            }
        }

        var device = new SegmentFileDevice(logPath, startWriteback, direct: writes == TransitLogWrites.Direct);
        try
        {
            return (device, new SlotCommitManager(commitDirectory, device.FlushDirty, commitFailed));
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }
}
