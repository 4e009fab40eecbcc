using System.Diagnostics;

namespace Tern.Economics;

/// <summary>What the SMTP baseline measured: Postfix's and spamd's CPU (process trees) and the Maildir's bytes, per message delivered.</summary>
internal sealed record SmtpResult(int Recipients, long Delivered, double Seconds, double PostfixCpuSeconds, double SpamdCpuSeconds, long MaildirBytes, long BytesSent, int MessageBytes);

/// <summary>
/// The same campaign over loopback SMTP into bench/economics/smtp-up.sh's private Postfix: one message of the blob's size
/// to <c>recipients</c> addresses at b.example (up to 1000 RCPT TO per message), each recipient's copy scanned by spamd
/// and written into the Maildir. Measured from the first command until every copy is in <c>new/</c>.
/// </summary>
internal static class SmtpCampaign
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    /// <remarks>The pids come from the script: Postfix's master holds its pid file locked, which .NET's open refuses.</remarks>
    public static async Task<SmtpResult> RunAsync(int port, string directory, int master, int spamd, int recipients, int blobBytes)
    {
        var maildir = Path.Combine(directory, "mail", "new");
        var message = SmtpClient.Message(blobBytes);

        // Warm-up: a few copies, so spamd's children have compiled their rules and Postfix's processes are running.
        using (var warm = await SmtpClient.ConnectAsync(port).ConfigureAwait(false))
        {
            await warm.SendAsync("bulk@spam.example", Enumerable.Range(0, 4).Select(i => $"w{i}@b.example"), message).ConfigureAwait(false);
        }

        await WaitAsync(maildir, 4).ConfigureAwait(false);
        var (postfix, scanner, stored) = (ProcessTree.CpuSeconds(master), ProcessTree.CpuSeconds(spamd), NodeSnapshot.DirectoryBytes(maildir));
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"smtp: campaign to {recipients} recipients");
        long sent;
        using (var smtp = await SmtpClient.ConnectAsync(port).ConfigureAwait(false))
        {
            foreach (var chunk in Enumerable.Range(0, recipients).Chunk(1000))
            {
                await smtp.SendAsync("bulk@spam.example", chunk.Select(i => $"r{i}@b.example"), message).ConfigureAwait(false);
            }

            sent = smtp.BytesSent;
        }

        var delivered = await WaitAsync(maildir, 4 + recipients).ConfigureAwait(false) - 4;
        var seconds = clock.Elapsed.TotalSeconds;
        return new SmtpResult(recipients, delivered, seconds, ProcessTree.CpuSeconds(master) - postfix, ProcessTree.CpuSeconds(spamd) - scanner,
            NodeSnapshot.DirectoryBytes(maildir) - stored, sent, message.Length);
    }

    private static async Task<long> WaitAsync(string maildir, int count)
    {
        var clock = Stopwatch.StartNew();
        long files;
        while ((files = Directory.EnumerateFiles(maildir).LongCount()) < count && clock.Elapsed < Timeout)
        {
            await Task.Delay(200).ConfigureAwait(false);
        }

        return files;
    }
}
