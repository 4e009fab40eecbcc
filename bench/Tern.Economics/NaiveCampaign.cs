using System.Globalization;
using Tern.Load.Nodes;

namespace Tern.Economics;

/// <summary>One pull rate through the naive sender-stores pair: both children's /proc figures and their own counts.</summary>
internal sealed record NaiveRunResult(double PullRate, int Recipients, int Pulling, double SenderCpuSeconds, long Datagrams, long DatagramBytes, long Served, long ServedBytes,
    double RecipientCpuSeconds, long RecipientWriteBytes, double RecipientRssDeltaMiB, long Received, long Pulled, long StoredBytes, long BlobBytes);

/// <summary>
/// The critique's design, built minimal (<see cref="NaiveSender"/>, <see cref="NaiveRecipient"/>): for each pull rate a
/// fresh pair of processes, a warm-up of 2000 notifications that are never pulled, then the campaign.
/// </summary>
internal static class NaiveCampaign
{
    private const int Warmup = 2000;

    public static List<NaiveRunResult> Run(string directory, int recipients, IReadOnlyList<double> pullRates, int blobBytes)
    {
        var results = new List<NaiveRunResult>();
        var inv = CultureInfo.InvariantCulture;
        foreach (var rate in pullRates)
        {
            var pulling = (int)Math.Round(recipients * rate);
            var run = Path.Combine(directory, rate.ToString("0.####", inv));
            Directory.CreateDirectory(run);
            using var sender = new ChildProcess("naive-sender", "--dir", run, "--blob", blobBytes.ToString(inv));
            using var recipient = new ChildProcess("naive-recipient", "--dir", run, "--pull-below", pulling.ToString(inv));
            sender.Expect("READY");
            var port = recipient.Expect("READY")[1];
            sender.Send($"SEND {Warmup} {port} 1000000000");
            sender.Expect("SENT");
            Thread.Sleep(1000);
            var (senderCpu, recipientCpu) = (ProcIo.CpuSeconds(sender.ProcessId), ProcIo.CpuSeconds(recipient.ProcessId));
            var recipientWrites = ProcIo.WriteBytes(recipient.ProcessId);
            var rss = ProcStat.Rss(recipient.ProcessId).Now;
            var stored = NodeSnapshot.DirectoryBytes(run);
            Console.WriteLine($"naive: campaign to {recipients} recipients, {pulling} pulling ({rate:P1})");
            sender.Send($"SEND {recipients} {port} 0");
            var sent = sender.Expect("SENT");
            // The recipient works through its socket buffer and its pulls; a quiet second past the last is the end.
            Thread.Sleep(2000);
            var rssAfter = ProcStat.Rss(recipient.ProcessId).Now;
            var recipientCpuAfter = ProcIo.CpuSeconds(recipient.ProcessId);
            var recipientWritesAfter = ProcIo.WriteBytes(recipient.ProcessId);
            var senderCpuAfter = ProcIo.CpuSeconds(sender.ProcessId);
            recipient.Send("DONE");
            var done = recipient.Expect("DONE");
            sender.Send("STOP");
            var servedLine = sender.Expect("SERVED");
            var storedAfter = NodeSnapshot.DirectoryBytes(run);
            results.Add(new NaiveRunResult(rate, recipients, pulling, senderCpuAfter - senderCpu, long.Parse(sent[1], inv), long.Parse(sent[2], inv),
                long.Parse(servedLine[1], inv), long.Parse(servedLine[2], inv), recipientCpuAfter - recipientCpu, recipientWritesAfter - recipientWrites, rssAfter - rss,
                long.Parse(done[1], inv) - Warmup, long.Parse(done[2], inv), storedAfter - stored, blobBytes));
        }

        return results;
    }
}
