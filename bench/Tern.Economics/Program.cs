using System.Text.Json;
using Tern.Economics;

// tern-economics run --out DIR --tern DLL [--recipients N] [--pull 0,0.001,0.01,0.1] [--blob 51200] [--smtp-messages M]
//                    [--smtp-port P --postfix-pids-file F --spamd-pidfile F --maildir D]
// tern-economics naive-recipient ... (a child of the naive baseline)
var options = Options.Parse(args);
if (options.Command == "smtp-only")
{
    var only = await SmtpCampaign.RunAsync(options.Int("smtp-port", 0), options.Require("smtp-dir"), options.Int("postfix-pid", 0), options.Int("spamd-pid", 0), options.Int("smtp-recipients", 200), options.BlobBytes).ConfigureAwait(false);
    Console.WriteLine(JsonSerializer.Serialize(only, Http.Options));
    return 0;
}

switch (options.Command)
{
    case "slope":
        // One line of a run's recipient figures for the A/B script (bench/ab-economics.sh): the marginal CPU µs of an
        // ignored notification, its receive thread's part, and the figure per notification at each size.
        Console.WriteLine(Report.SlopeLine(JsonSerializer.Deserialize<TernResults>(File.ReadAllText(options.Require("tern-json")), Http.Options)!));
        return 0;
    case "naive-recipient":
        await NaiveRecipient.RunAsync(options).ConfigureAwait(false);
        return 0;
    case "naive-sender":
        await NaiveSender.RunAsync(options).ConfigureAwait(false);
        return 0;
    case "run":
        break;
    default:
        Console.Error.WriteLine("usage: tern-economics run --out DIR --tern DLL [--recipients N] [--pull 0,0.001,0.01,0.1]");
        return 2;
}

var work = Path.Combine(Path.GetTempPath(), $"tern-economics-{Environment.ProcessId}");
Directory.CreateDirectory(work);
try
{
    var perf = options.Get("perf-recipient");
    var tern = await TernCampaign.RunAsync(Path.Combine(work, "tern"), options.Require("tern"), options.Recipients, options.SmallRecipients, options.PullRates, options.BlobBytes,
        TimeSpan.FromSeconds(options.Int("warmup", 10)), TimeSpan.FromSeconds(options.Int("idle", 15)), perf is null ? null : pid => PerfRecord.Start(pid, perf)).ConfigureAwait(false);
    Console.WriteLine("tern: nodes stopped");
    File.WriteAllText(Path.Combine(options.Require("out"), "tern.json"), JsonSerializer.Serialize(tern, Http.Options));
    if (options.Get("only") == "tern")
    {
        return 0;
    }

    // The naive baseline's figures are per notification, as SMTP's are per message: 20 000 recipients give them (at
    // 100 000 it took 37 s of the bench's budget for the same figures).
    var naive = NaiveCampaign.Run(Path.Combine(work, "naive"), Math.Min(options.Recipients, options.Int("naive-recipients", 20_000)), options.PullRates, options.BlobBytes);
    File.WriteAllText(Path.Combine(options.Require("out"), "naive.json"), JsonSerializer.Serialize(naive, Http.Options));
    Console.WriteLine("naive: done");
    SmtpResult? smtp = null;
    if (options.Get("smtp-dir") is { } smtpDirectory)
    {
        smtp = await SmtpCampaign.RunAsync(options.Int("smtp-port", 0), smtpDirectory, options.Int("postfix-pid", 0), options.Int("spamd-pid", 0), options.Int("smtp-recipients", 200), options.BlobBytes).ConfigureAwait(false);
        File.WriteAllText(Path.Combine(options.Require("out"), "smtp.json"), JsonSerializer.Serialize(smtp, Http.Options));
    }

    Report.Write(options, tern, naive, smtp, options.Get("smtp-why") ?? "the script did not start Postfix");
    return 0;
}
finally
{
    Directory.Delete(work, recursive: true);
}
