using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Tern.Economics;

/// <summary>Writes perf-reports/spam-economics.md, its plots (perf-reports/economics/*.svg) and its rows for the one table.</summary>
internal static partial class Report
{
    private const double TargetStateBytes = 128;
    private const double TargetCpuUs = 10;
    private const double TargetRatio = 1000;
    private const double TargetLegit = 2;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(Options options, TernResults tern, List<NaiveRunResult> naive, SmtpResult? smtp, string? smtpWhy)
    {
        var reports = options.Require("reports");
        var plots = Path.Combine(reports, "economics");
        Directory.CreateDirectory(plots);
        var idleSeconds = tern.IdleAfter.At - tern.IdleBefore.At;
        static (double SenderCpu, double RecipientCpu, double RecipientWrites, double RecipientReceiveThread) Rates(NodeSnapshot from, NodeSnapshot to)
        {
            var seconds = to.At - from.At;
            return ((to.SenderCpu - from.SenderCpu) / seconds, (to.RecipientCpu - from.RecipientCpu) / seconds, (to.RecipientWriteBytes - from.RecipientWriteBytes) / seconds,
                (to.RecipientReceiveThreadCpu - from.RecipientReceiveThreadCpu) / seconds);
        }

        var background = Rates(tern.IdleBefore, tern.IdleAfter);
        // The campaigns nobody pulls ran with the legitimate traffic paused: their background is the quiet phase's.
        var quietBackground = tern.QuietBefore is { } q0 && tern.QuietAfter is { } q1 ? Rates(q0, q1) : background;
        RunFigures Figures(TernRunResult run) => RunFigures.Of(run, run.Quiet ? quietBackground : background, tern.TransitHours);
        var runs = tern.Runs.Select(Figures).ToList();
        var ignored = runs.FirstOrDefault(r => r.PullRate == 0) ?? runs[0];
        var small = tern.Small is null ? null : Figures(tern.Small);
        var marginal = small is null ? (CpuUs: double.NaN, WriteBytes: double.NaN, RssBytes: double.NaN, PendingDiskBytes: double.NaN, ReceiveThreadCpuUs: double.NaN, SenderCpuUs: double.NaN) : ignored.MarginalOver(small);
        // The figure the targets and ratios quote: the slope between the two sizes when both ran, else the one size's.
        var hasSlope = double.IsFinite(marginal.CpuUs);
        var recipientCpuUs = hasSlope ? marginal.CpuUs : ignored.RecipientCpuUs;
        var cpuBasis = hasSlope
            ? string.Create(Inv, $"{marginal.CpuUs:F1} µs marginal (the slope between {small!.Funnel.Filed} and {ignored.Funnel.Filed} references nobody pulls; {marginal.ReceiveThreadCpuUs:F1} of it on the notification port's receive thread); {ignored.RecipientCpuUs:F1} µs a notification at {ignored.Funnel.Filed}, {small.RecipientCpuUs:F1} at {small.Funnel.Filed}")
            : string.Create(Inv, $"{ignored.RecipientCpuUs:F1} µs a notification at {ignored.Funnel.Filed} (one size: no slope)");
        var retransmissions = Costs.RetransmissionsUntil(TimeSpan.FromHours(tern.TransitHours));
        var (refRss, refDisk) = PendingReference(Path.Combine(reports, "pending.md"));
        // The state quoted: b's own pending table after its closing checkpoint in this run when it was measured (one
        // reference a hash, as a campaign to distinct recipients files), else the pending bench's 10M table.
        var state = tern.State is { References: > 0 } measured ? measured : null;
        var stateBytes = state is null ? refDisk : state.PerReference(state.Total);
        var idleP99 = Costs.Percentile(tern.IdleLegitMs, 99);
        var worstP99 = runs.Where(r => double.IsFinite(r.LegitP99)).Select(r => r.LegitP99).DefaultIfEmpty(double.NaN).Max();
        var block = tern.Block;
        var toZero = Costs.BlockToZero(block.Samples, block.BlockedAt);
        var blockedSeconds = block.After.At - block.Before.At;
        var blockedRecords = block.After.BlockedRecords - block.Before.BlockedRecords;
        var blockedCpuUs = Costs.PerUnit(block.After.RecipientCpu - block.Before.RecipientCpu, background.Item2, blockedSeconds, blockedRecords) * 1e6;
        var blockedGrowth = block.After.PendingFromSpam - block.Before.PendingFromSpam;
        const double FirstInterval = 1.0; // the first retransmission comes 2 s × [0.5, 1.0] after the notification: at least 1 s
        var tenth = runs.FirstOrDefault(r => Math.Abs(r.PullRate - 0.001) < 1e-9) ?? ignored;
        var storageRatio = Costs.Ratio(tenth.ChargedBytes, stateBytes);
        // Both sides' marginal CPU from the two campaigns nobody pulls when they ran (quiet windows, the same background
        // phase): a pulled 0.1 % adds 100 fetches, and the other runs' sender figures, net of the idle phase's rate, were
        // noisier than the figure itself on the shared machine.
        var senderCpuUs = hasSlope ? marginal.SenderCpuUs : tenth.SenderCpuUs;
        var cpuRatio = Costs.Ratio(senderCpuUs, recipientCpuUs);
        var naiveIgnored = naive.FirstOrDefault(r => r.PullRate == 0) ?? naive[0];
        var naiveCpuUs = naiveIgnored.RecipientCpuSeconds * 1e6 / Math.Max(1, naiveIgnored.Received);
        var naiveBytes = (double)naiveIgnored.StoredBytes / Math.Max(1, naiveIgnored.Received);
        var naiveSenderStorage = (double)naiveIgnored.BlobBytes / naiveIgnored.Recipients;
        var smtpCpuUs = smtp is null || smtp.Delivered == 0 ? double.NaN : (smtp.PostfixCpuSeconds + smtp.SpamdCpuSeconds) * 1e6 / smtp.Delivered;
        var smtpBytes = smtp is null || smtp.Delivered == 0 ? double.NaN : (double)smtp.MaildirBytes / smtp.Delivered;

        var md = new StringBuilder();
        void L(FormattableString line) => md.AppendLine(line.ToString(Inv));
        L($"# Spam economics: a bulk campaign through Tern beside SMTP (Postfix + spamd) and the naive sender-stores design");
        L($"");
        L($"- command: `{options.Get("command") ?? "bench/run-economics.sh"}`");
        L($"- date: {DateTime.UtcNow:yyyy-MM-ddTHH:mmZ}; commit: {options.Get("commit") ?? "?"}");
        L($"- machine: {options.Get("machine") ?? "?"}; load average at start / end: {options.Get("load-start") ?? "?"} / {File.ReadAllText("/proc/loadavg").Trim()} (a shared machine: other engineers' builds and benchmarks ran alongside)");
        L($"- scale: {ignored.Recipients} recipients per campaign{(small is null ? "" : string.Create(Inv, $", and one more campaign of {small.Recipients} nobody pulls for the slope"))} (up to 1000 per submitted message, one blob of {tern.BlobBytes} bytes each), pull rates {string.Join(", ", runs.Select(r => r.PullRate.ToString("P1", Inv)))}; transit expiry {tern.TransitHours} h; SMTP baseline {(smtp is null ? "not run" : $"{smtp.Recipients} recipients")}; naive baseline {naiveIgnored.Recipients} recipients per pull rate");
        L($"- processes: three `tern run` nodes (spam.example, a.example, b.example), the naive pair and Postfix + spamd, all on loopback; every figure below is from this one run");
        L($"");
        L($"## Targets");
        L($"");
        L($"| target | measured | met |");
        L($"|---|---|---|");
        var stateText = state is null
            ? string.Create(Inv, $"{stateBytes:F0} B on disk a reference (pending table at 10M after a checkpoint, perf-reports/pending.md)")
            : string.Create(Inv, $"{stateBytes:F0} B on disk a reference after b's closing checkpoint in this run ({state.References} references held, one a recipient hash): reference log {state.PerReference(state.RefsLog):F0}, capability log {state.PerReference(state.CapabilitiesLog):F0}, recipient log {state.PerReference(state.RecipientsLog):F0}, the checkpoint's copy of the indexes {state.PerReference(state.Checkpoints):F0} (sized for the run), the rest {state.PerReference(state.Other):F1}; the pending bench's 10M table (4 references a hash): {refDisk:F1} B");
        L($"| recipient state per ignored notification ≤ {TargetStateBytes} B | {stateText}; {refRss:F0} B of memory at 10M; in this run {ignored.RssPerNotificationText()}{(hasSlope ? string.Create(Inv, $", marginal {marginal.RssBytes:F0} B of RSS") : "")} | {Met(stateBytes <= TargetStateBytes)}{Miss(stateBytes, TargetStateBytes)} |");
        L($"| recipient CPU per ignored notification ≤ {TargetCpuUs} µs | {cpuBasis}, at its arrival; × {1 + retransmissions} with the {retransmissions} retransmissions until expiry if each costs as much: {recipientCpuUs * (1 + retransmissions):F0} µs | {Met(recipientCpuUs <= TargetCpuUs)}{Miss(recipientCpuUs, TargetCpuUs)} |");
        L($"| sender / recipient cost per unwanted message ≥ {TargetRatio} at 0.1 % pull | storage (byte-hours until expiry): {storageRatio:F0} ({tenth.ChargedBytes:F0} B charged a recipient / {stateBytes:F0} B of state; 1000 needs at most {tenth.ChargedBytes / TargetRatio:F0} B of state a reference, or a blob {TargetRatio * stateBytes / tenth.ChargedBytes:F1}× as large); CPU: {cpuRatio:F2} ({senderCpuUs:F1} sender µs a recipient{(hasSlope ? ", marginal" : "")} / the recipient's {recipientCpuUs:F1} µs: each side does per-notification work of one order, sealing and sending against opening and filing, so this ratio stays in single or low double digits whatever the state) | {Met(storageRatio >= TargetRatio)}{Miss(TargetRatio, storageRatio)} |");
        var worstRun = runs.Where(r => double.IsFinite(r.LegitP99)).OrderByDescending(r => r.LegitP99).FirstOrDefault();
        L($"| legitimate p99 during the campaign ≤ {TargetLegit}× idle | worst run {worstP99:F1} ms against {idleP99:F1} ms idle ({worstP99 / idleP99:F2}×){(worstRun is { Funnel.Pulled: > 0 } w ? LegitBound(tern, w, idleP99) : "")} | {Met(worstP99 <= TargetLegit * idleP99)} |");
        L($"| block to zero cost within one notification interval (≥ {FirstInterval:F0} s, the first retransmission's) | last spam.example reference filed {toZero * 1000:F0} ms after the block; pending growth after it {blockedGrowth}; b's CPU per blocked record {blockedCpuUs:F1} µs | {Met(toZero <= FirstInterval && blockedGrowth == 0)} |");
        L($"");
        L($"## What each cost is");
        L($"");
        L($"- **Window.** Each pull rate's campaign is measured from the snapshot before spam.example's first batch submit to the moment every recipient's reference is filed at b.example (pending + pulled = recipients) and the pulls asked for are done, or nothing moved for 4 s. The idle phase ({idleSeconds:F1} s, the legitimate sender alone after a warm-up campaign) gives each process's background rate (CPU s/s, write bytes/s), subtracted over the window's length (Costs.PerUnit). The campaigns nobody pulls (the slope's two sizes) run with the legitimate traffic paused, after a quiet phase ({(tern.QuietBefore is { } qb && tern.QuietAfter is { } qa ? (qa.At - qb.At).ToString("F1", Inv) : "—")} s, probes alone) that gives their background: the legitimate traffic cost b about as much CPU a second as a campaign's notifications, and its rate varied with the machine's load. Their legitimate-latency column says *paused*; the latency during a campaign comes from the others.");
        L($"- **Sender CPU per recipient**: spam.example's utime + stime (/proc/<pid>/stat) over the window, net of background, / recipients. It covers the batch submits (the blob stored once per 1000 recipients), sealing and sending every notification, and serving the pulls.");
        L($"- **Sender bytes sent**: notification datagrams sent (the node's `notify.datagramsSent`) per recipient — each at most 1200 bytes (docs/PROTOCOL.md §3), records of one domain share a datagram — and the fetch doors' `tern_fetch_served_bytes_total` per recipient. /proc/<pid>/io does not count socket sends, so the datagram bytes are bounded, not counted.");
        L($"- **Transit byte-hours charged**: the sender's ledger (admin `/economics`, domain b.example) charges the blob's size to every delivery until it is fetched or expires: live bytes added / recipients × the {tern.TransitHours} h expiry. The physical copy is one blob per 1000 recipients; the charge is per delivery.");
        L($"- **Retransmissions**: spam.example's first retransmission interval is set to an hour (`Tern:Delivery:InitialRetransmitInterval`, the protocol's longest), so no window holds another campaign's retransmissions: at 100 000 recipients a campaign, with the default 2 s they outnumbered the campaign's own notifications three to one in its window and set the window's length. The figures are those of a notification's arrival; an unfetched delivery gets {retransmissions} retransmissions until expiry on the §4.6 schedule (mean jitter), each a duplicate at the recipient (one open of its datagram, a read of its capability and one of its reference, to compare the fetch hints, flags and sender key; no write unless one changed). A notification b's socket dropped (its buffer overflowed while the shared machine was loaded) is not filed again within the run, so sent → filed shows it; its first retransmission would bring it within the hour. The per-notification figures divide by the references filed.");
        L($"- **Marginal cost** (the figure the targets quote when both sizes ran): a second campaign nobody pulls, of {(small is null ? "—" : small.Recipients.ToString(Inv))} recipients, runs just before the 0 % one; the slope of each recipient cost (net of background) between the two, (cost at the large size − cost at the small) / (references filed at the large − at the small) (Costs.Marginal). What both windows pay once (their snapshots, the first batch's start, the tail of the last references, a late JIT of a method the warm-up did not reach) drops out; a cost per notification does not. The figure per notification at one size is printed beside it.");
        L($"- **Recipient CPU per notification**: b.example's CPU over the window, net of background, / references filed; in brackets the part of it on the notification port's receive thread (`tern-udp-*`, /proc/<pid>/task/*/stat), which does the ingest's own work (receive, open, file in the pending table). Per pulled notification: the run's net CPU less the ignored ones at the 0 % figure, / pulled (Costs.PerPulled).");
        L($"- **Recipient state**: once the block phase is over, b.example is stopped (SIGTERM: its closing checkpoint writes every store) and its pending table's files are measured (PendingState): each store's log (the records) and checkpoints (the copy of its hash index), over the references it held. Each campaign's recipients are fresh hashes, so every reference brings its own 64-byte recipient record, where the pending bench files 4 a hash. Beside it, the pending table's bytes a reference from its own benchmark at scale (perf-reports/pending.md: RSS and on-disk after a checkpoint, at 10M references); in this run, b's RSS growth / references filed (b's pending table is sized to hold the run in memory, `PendingTableOptions.ForReferences`; its indexes are allocated at start, so this counts the log records and is noisy). **Disk writes**: b's /proc/<pid>/io write_bytes over the window, net of background, / references filed.");
        L($"- **Legitimate latency**: alice@a.example sends 1 KiB to bob@b.example every 100 ms, one at a time; from the start of the POST to bob's client (polling every 5 ms) listing it stored. Idle: the idle phase; during: {TernCampaign.LegitWindow.TotalSeconds:F0} s from each campaign's start.");
        L($"- **Block**: half a campaign ({block.Recipients} recipients) is filed, b.example's admin blocks spam.example (`PUT /admin/v1/blocks/spam.example`), the other half is sent; spam.example's pending references at b are sampled every {TernCampaign.BlockSampleInterval.TotalMilliseconds:F0} ms (b's admin counter alone). Time to zero: from the block's answer to the last reference filed after it (0 if none).");
        L($"- **Storage ratio**: sender byte-hours charged per recipient / recipient byte-hours of state per ignored notification; both last until the same expiry, so it is the ratio of bytes. **CPU ratio**: sender CPU per recipient / recipient CPU per ignored notification.");
        L($"");
        L($"## Tern, per pull rate");
        L($"");
        L($"Deferred: pulls b.example's queue refused (`tern_pull_deferred_total`: the queue or spam.example's share of it, `Tern:Pull:MaxQueuedPerSenderDomain`, was full); each such reference stayed pending, unpulled, and counts as filed.");
        L($"");
        L($"| pull rate | sent → filed → pulled (deferred) | window s | sender CPU µs/recipient | datagrams/recipient (≤ 1200 B each) | fetch bytes/recipient | charged B/recipient | charged byte-hours/recipient | retransmissions/recipient in window | recipient CPU µs/notification (receive thread) | write B/notification | RSS B/notification | legit p50 / p99 ms |");
        L($"|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in small is null ? runs : [small, .. runs])
        {
            L($"| {r.PullRate:P1}{(r == small ? " (small)" : "")} | {r.Funnel.Sent} → {r.Funnel.Filed} → {r.Funnel.Pulled} ({r.Funnel.Deferred}) | {r.Seconds:F1} | {r.SenderCpuUs:F1} | {r.SenderDatagramsPerRecipient:F3} | {r.SenderFetchBytes:F0} | {r.ChargedBytes:F0} | {r.ChargedByteHours:F0} | {r.RetransmissionsInWindow:F2} | {r.RecipientCpuUs:F1} ({r.RecipientReceiveThreadCpuUs:F1}) | {r.RecipientWriteBytes:F0} | {r.RecipientRssBytes:F0} | {(double.IsNaN(r.LegitP50) ? "paused" : string.Create(Inv, $"{r.LegitP50:F1} / {r.LegitP99:F1}"))} |");
        }

        L($"");
        if (state is not null)
        {
            L($"Recipient state after b's closing checkpoint ({state.References} references held; pulled ones left dead records behind them): {state.Total} B in all, {stateBytes:F1} B a reference; the logs {state.PerReference(state.Logs):F1} B a reference (reference {state.PerReference(state.RefsLog):F1}, capability {state.PerReference(state.CapabilitiesLog):F1}, recipient {state.PerReference(state.RecipientsLog):F1}), the checkpoint's copy of the indexes {state.PerReference(state.Checkpoints):F1}, counters, profiles and the rest {state.PerReference(state.Other):F1}. The logs are what one more reference adds; the index copy is fixed for a table of this size (PendingTableOptions.ForReferences; 1.2 GB at the defaults).");
        }
        L($"");
        L($"Per pulled notification (the run's recipient CPU less the ignored at {ignored.RecipientCpuUs:F1} µs each): {string.Join("; ", runs.Where(r => r.Funnel.Pulled > 0).Select(r => string.Create(Inv, $"{r.PullRate:P1}: {Costs.PerPulled(r.RecipientCpuUs * r.Funnel.Filed, ignored.RecipientCpuUs, r.Funnel.Filed, r.Funnel.Pulled):F0} µs and {Costs.PerPulled(r.RecipientWriteBytes * r.Funnel.Filed, ignored.RecipientWriteBytes, r.Funnel.Filed, r.Funnel.Pulled):F0} B written")))}. Legitimate latency idle: p50 {Costs.Percentile(tern.IdleLegitMs, 50):F1} ms, p99 {idleP99:F1} ms ({tern.IdleLegitMs.Count} messages). Legitimate messages not stored within 60 s (counted as infinite latency): {UnstoredLine(tern)} (p99 {Costs.Percentile(tern.BlockLegitMs, 99):F1} ms).");
        foreach (var stall in tern.LegitStalls)
        {
            L($"- legitimate {stall}");
        }

        L($"");
        L($"Where the slowest legitimate messages (≥ {LegitSender.SlowMs:F0} ms) waited, each step's end in ms from the start of alice's submit: submitted; filed in b.example's pending table (? when no poll of bob's references saw it pending, that is, pulled at once); b.example committing it (its pull done); listed by bob's 5 ms polls. {SlowLine("idle", tern.IdleLegitSlow)}; {string.Join("; ", tern.Runs.Where(r => !r.Quiet).Select(r => SlowLine(string.Create(Inv, $"{r.PullRate:P1}"), r.LegitSlow)))}.");

        L($"");
        L($"## Baselines (same run, same machine)");
        L($"");
        L($"**Naive sender-stores** (bench/Tern.Economics NaiveSender/NaiveRecipient, two processes): one stored copy served over HTTP, one UDP datagram per recipient, no expiry, no accounting, no budget; the recipient appends each notification to a log and keeps it in memory until pulled, forever.");
        L($"");
        L($"| pull rate | sent → received → pulled | sender CPU µs/recipient | sender bytes/recipient (datagrams + fetches) | sender storage B/recipient (one copy, no expiry) | recipient CPU µs/notification | recipient stored B/notification | write B/notification | RSS B/notification |");
        L($"|---|---|---|---|---|---|---|---|---|");
        foreach (var r in naive)
        {
            L($"| {r.PullRate:P1} | {r.Recipients} → {r.Received} → {r.Pulled} | {r.SenderCpuSeconds * 1e6 / r.Recipients:F1} | {(double)(r.DatagramBytes + r.ServedBytes) / r.Recipients:F0} | {(double)r.BlobBytes / r.Recipients:F1} | {r.RecipientCpuSeconds * 1e6 / Math.Max(1, r.Received):F1} | {(double)r.StoredBytes / Math.Max(1, r.Received):F0} | {(double)r.RecipientWriteBytes / Math.Max(1, r.Received):F0} | {r.RecipientRssDeltaMiB * 1024 * 1024 / Math.Max(1, r.Received):F0} |");
        }

        L($"");
        if (smtp is null)
        {
            L($"**SMTP**: not measured: {smtpWhy}.");
        }
        else
        {
            L($"**SMTP** (Debian's Postfix 3.7 with its own config, queue and data directories under a temp dir, smtpd on loopback; every copy piped through spamc to spamd and written into a Maildir: bench/economics/smtp-up.sh): {smtp.Recipients} recipients in {(smtp.Recipients + 999) / 1000} message(s) of {smtp.MessageBytes} bytes, {smtp.Delivered} delivered in {smtp.Seconds:F1} s. Recipient CPU per message: Postfix {smtp.PostfixCpuSeconds * 1e6 / smtp.Delivered:F0} µs + spamd {smtp.SpamdCpuSeconds * 1e6 / smtp.Delivered:F0} µs = {smtpCpuUs:F0} µs (process trees from /proc, reaped children included); stored {smtpBytes:F0} B per message in the Maildir; the sender sent {(double)smtp.BytesSent / smtp.Recipients:F0} B per recipient.");
        }

        L($"");
        L($"## The ratios that answer the critique");
        L($"");
        L($"| comparison | Tern | baseline | ratio (higher is better for Tern) |");
        L($"|---|---|---|---|");
        L($"| sender / recipient storage per unwanted message, 0.1 % pull | {storageRatio:F0} | naive: {Costs.Ratio(naiveSenderStorage, naiveBytes):F3} | {storageRatio / Costs.Ratio(naiveSenderStorage, naiveBytes):F0} |");
        L($"| sender / recipient CPU per unwanted message, 0.1 % pull | {cpuRatio:F2} | naive: {Costs.Ratio(naive.First().SenderCpuSeconds / naive.First().Recipients, naiveIgnored.RecipientCpuSeconds / Math.Max(1, naiveIgnored.Received)):F2} | — |");
        L($"| recipient bytes per unwanted message | {stateBytes:F0} | SMTP: {smtpBytes:F0} | {smtpBytes / stateBytes:F1} |");
        L($"| recipient CPU µs per unwanted message{(hasSlope ? " (marginal)" : "")} | {recipientCpuUs:F1} | SMTP: {smtpCpuUs:F0} | {smtpCpuUs / recipientCpuUs:F0} |");
        L($"| recipient bytes per unwanted message | {stateBytes:F0} | naive: {naiveBytes:F0} | {naiveBytes / stateBytes:F2} |");
        L($"| recipient CPU µs per unwanted message{(hasSlope ? " (marginal)" : "")} | {recipientCpuUs:F1} | naive: {naiveCpuUs:F1} | {naiveCpuUs / recipientCpuUs:F2} |");
        L($"");
        L($"## Plots");
        L($"");
        foreach (var (file, caption) in new[] { ("recipient-cpu.svg", "recipient CPU per unwanted message"), ("recipient-bytes.svg", "recipient bytes per unwanted message"), ("funnel.svg", "Tern funnel per pull rate"), ("block.svg", "spam.example's pending references at b.example around the block"), ("legit-latency.svg", "legitimate sender latency, idle and during each campaign") })
        {
            L($"![{caption}](economics/{file})");
            L($"");
        }

        Plots.Bars(Path.Combine(plots, "recipient-cpu.svg"), "Recipient CPU per unwanted message", "µs",
            [(hasSlope ? "Tern (ignored, marginal)" : "Tern (ignored)", recipientCpuUs), ("naive", naiveCpuUs), ("SMTP + spamd", smtpCpuUs)]);
        Plots.Bars(Path.Combine(plots, "recipient-bytes.svg"), "Recipient bytes per unwanted message", "bytes",
            [("Tern (pending ref.)", stateBytes), ("naive", naiveBytes), ("SMTP Maildir", smtpBytes)]);
        Plots.Groups(Path.Combine(plots, "funnel.svg"), "Tern funnel", "references", [.. runs.Select(r => r.PullRate.ToString("P1", Inv))],
            [("sent", [.. runs.Select(r => (double)r.Funnel.Sent)]), ("filed", [.. runs.Select(r => (double)r.Funnel.Filed)]), ("pulled", [.. runs.Select(r => (double)r.Funnel.Pulled)])]);
        var first = block.Samples.Count > 0 ? block.Samples[0].Seconds : 0;
        Plots.Timeline(Path.Combine(plots, "block.svg"), "spam.example references pending at b.example", "seconds", "references",
            [.. block.Samples.Select(s => (s.Seconds - first, (double)s.Pending))], block.BlockedAt - first, "block");
        var legitRuns = runs.Where(r => double.IsFinite(r.LegitP99)).ToList();
        Plots.Groups(Path.Combine(plots, "legit-latency.svg"), "Legitimate sender latency", "ms", ["idle", .. legitRuns.Select(r => "during " + r.PullRate.ToString("P1", Inv))],
            [("p50", [Costs.Percentile(tern.IdleLegitMs, 50), .. legitRuns.Select(r => r.LegitP50)]), ("p99", [idleP99, .. legitRuns.Select(r => r.LegitP99)])]);

        File.WriteAllText(Path.Combine(reports, "spam-economics.md"), md.ToString());
        var rows = new StringBuilder();
        void Row(string metric, string value, string baseline, string ratio, string target) => rows.Append(Inv, $"{metric}\t{value}\t{baseline}\t{ratio}\t{target}\n");
        Row("economics: recipient CPU per ignored notification (µs; baseline SMTP+spamd per message)", recipientCpuUs.ToString("F1", Inv), smtpCpuUs.ToString("F0", Inv), (smtpCpuUs / recipientCpuUs).ToString("F0", Inv), "≤ 10 µs");
        Row("economics: recipient state per ignored notification (B; baseline SMTP Maildir per message)", stateBytes.ToString("F0", Inv), smtpBytes.ToString("F0", Inv), (smtpBytes / stateBytes).ToString("F1", Inv), "≤ 128 B");
        Row("economics: sender/recipient storage ratio at 0.1 % pull (baseline naive sender-stores)", storageRatio.ToString("F0", Inv), Costs.Ratio(naiveSenderStorage, naiveBytes).ToString("F3", Inv), (storageRatio / Costs.Ratio(naiveSenderStorage, naiveBytes)).ToString("F0", Inv), "≥ 1000");
        Row("economics: legitimate p99 during campaign (ms; baseline idle)", worstP99.ToString("F1", Inv), idleP99.ToString("F1", Inv), (idleP99 / worstP99).ToString("F2", Inv), "≤ 2× idle");
        Row("economics: block to zero cost (ms)", (toZero * 1000).ToString("F0", Inv), "—", "—", "≤ 1 notification interval");
        File.WriteAllText(Path.Combine(reports, "economics", "summary-rows.tsv"), rows.ToString());
    }

    /// <summary>
    /// <c>marginal_us receive_thread_us large_us small_us</c> of a Tern run nobody pulls at two sizes, net of the quiet
    /// phase's background (NaN when a size is missing).
    /// </summary>
    public static string SlopeLine(TernResults tern)
    {
        var quiet = tern.QuietBefore is { } q0 && tern.QuietAfter is { } q1
            ? ((q1.SenderCpu - q0.SenderCpu) / (q1.At - q0.At), (q1.RecipientCpu - q0.RecipientCpu) / (q1.At - q0.At), (q1.RecipientWriteBytes - q0.RecipientWriteBytes) / (q1.At - q0.At),
                (q1.RecipientReceiveThreadCpu - q0.RecipientReceiveThreadCpu) / (q1.At - q0.At))
            : (0, 0, 0, 0);
        var large = tern.Runs.FirstOrDefault(r => r.PullRate == 0);
        if (large is null || tern.Small is null)
        {
            return "NaN NaN NaN NaN";
        }

        var (l, s) = (RunFigures.Of(large, quiet, tern.TransitHours), RunFigures.Of(tern.Small, quiet, tern.TransitHours));
        var m = l.MarginalOver(s);
        return string.Create(Inv, $"{m.CpuUs:F2} {m.ReceiveThreadCpuUs:F2} {l.RecipientCpuUs:F2} {s.RecipientCpuUs:F2}");
    }

    private static string Met(bool met) => met ? "met" : "**not met**";

    private static string Miss(double value, double target) => value > target && double.IsFinite(value) ? string.Create(Inv, $" ({value / target:F1}×)") : "";

    private static string RssPerNotificationText(this RunFigures run) => string.Create(Inv, $"b's RSS grew {run.RecipientRssBytes:F0} B a reference filed");

    /// <summary>The pending table's memory and disk bytes a reference at 10M, from its benchmark's report (NaN when absent).</summary>
    public static (double Rss, double Disk) PendingReference(string path)
    {
        if (!File.Exists(path))
        {
            return (double.NaN, double.NaN);
        }

        var text = File.ReadAllText(path);
        var rss = RssLine().Match(text);
        var disk = DiskLine().Match(text);
        return (rss.Success ? double.Parse(rss.Groups[1].Value, Inv) : double.NaN, disk.Success ? double.Parse(disk.Groups[1].Value, Inv) : double.NaN);
    }

    [GeneratedRegex(@"\| RSS at \d+ refs \| \d+ MiB \(([\d.]+) B/ref")]
    private static partial Regex RssLine();

    [GeneratedRegex(@"\| disk at \d+ refs[^|]*\| \d+ MiB \(([\d.]+) B/ref\)")]
    private static partial Regex DiskLine();
}
