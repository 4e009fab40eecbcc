using System.Globalization;
using Tern.Load.Nodes;

namespace Tern.Economics;

/// <summary>One moment of the campaign: both nodes' /proc figures and what their admin APIs count.</summary>
internal sealed record NodeSnapshot(
    double At, double SenderCpu, double RecipientCpu, long RecipientWriteBytes, double RecipientRssMiB, long RecipientPendingDiskBytes,
    long Notifications, long Retransmissions, long ChargedLiveBytes, double ChargedByteSeconds, long Fetched, long DatagramsSent, long FetchServedBytes,
    long PendingFromSpam, long BlockedRecords, double RecipientReceiveThreadCpu, long RecipientPullsDeferred)
{
    public static async Task<NodeSnapshot> TakeAsync(double at, int senderPid, int recipientPid, Http senderAdmin, Http recipientAdmin, string recipientDirectory)
    {
        var economics = await senderAdmin.GetAsync("/admin/v1/economics").ConfigureAwait(false);
        var toB = economics["domains"]!.AsArray().FirstOrDefault(d => d!["domain"]!.GetValue<string>() == "b.example");
        var stats = await senderAdmin.GetAsync("/admin/v1/stats").ConfigureAwait(false);
        var pending = await recipientAdmin.GetAsync("/admin/v1/economics").ConfigureAwait(false);
        var fromSpam = pending["domains"]!.AsArray().FirstOrDefault(d => d!["domain"]!.GetValue<string>() == "spam.example");
        var recipientStats = await recipientAdmin.GetAsync("/admin/v1/stats").ConfigureAwait(false);
        return new NodeSnapshot(at, ProcIo.CpuSeconds(senderPid), ProcIo.CpuSeconds(recipientPid), ProcIo.WriteBytes(recipientPid), ProcStat.Rss(recipientPid).Now,
            DirectoryBytes(Path.Combine(recipientDirectory, "pending")),
            Http.Long(toB?["notifications"]), Http.Long(toB?["retransmissions"]), Http.Long(toB?["liveBytes"]), Http.Double(toB?["byteSeconds"]),
            Http.Long(toB?["deliveries"]?["fetched"]), Http.Long(stats["notify"]!["datagramsSent"]),
            Metric(await senderAdmin.GetTextAsync("/metrics").ConfigureAwait(false), "tern_fetch_served_bytes_total"),
            Http.Long(fromSpam?["pendingReferences"]), Http.Long(fromSpam?["blockedRecords"]), ProcIo.ThreadCpuSeconds(recipientPid, "tern-udp"),
            Http.Long(recipientStats["pull"]?["deferred"]));
    }

    /// <summary>Bytes the files under <paramref name="directory"/> occupy on disk (allocated blocks, as du counts).</summary>
    public static long DirectoryBytes(string directory)
    {
        long total = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            try
            {
                total += Allocated(file);
            }
            catch (IOException)
            {
                // A file removed while listed.
            }
        }

        return total;
    }

    private static long Allocated(string file)
    {
        // st_blocks × 512 through stat(1) would fork per file; FileInfo gives the length, which is what a sparse-free log holds.
        return new FileInfo(file).Length;
    }

    /// <summary>The sum of a counter's samples in Prometheus text.</summary>
    public static long Metric(string text, string name)
    {
        double total = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && (line.Length > name.Length && (line[name.Length] == ' ' || line[name.Length] == '{')))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return (long)total;
    }
}
