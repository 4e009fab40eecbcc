namespace Tern.Economics;

/// <summary>One Tern run's figures, derived from its snapshots and the idle phase's background rates (<see cref="Costs"/>).</summary>
internal sealed record RunFigures(
    double PullRate, int Recipients, Funnel Funnel, double Seconds,
    double SenderCpuUs, double SenderDatagramsPerRecipient, double SenderFetchBytes, double ChargedBytes, double ChargedByteHours, double RetransmissionsInWindow,
    double RecipientCpuUs, double RecipientWriteBytes, double RecipientRssBytes, double RecipientPendingDiskBytes, double RecipientReceiveThreadCpuUs, double LegitP50, double LegitP99)
{
    /// <summary>Per recipient / per filed notification, net of the idle phase's rates (<c>background</c>: sender CPU, recipient CPU, recipient write bytes per second).</summary>
    public static RunFigures Of(TernRunResult run, (double SenderCpu, double RecipientCpu, double RecipientWrites, double RecipientReceiveThread) background, double transitHours)
    {
        var (b, a) = (run.Before, run.After);
        var seconds = a.At - b.At;
        var funnel = Funnel.Of(a.Notifications - b.Notifications - (a.Retransmissions - b.Retransmissions), a.PendingFromSpam - b.PendingFromSpam, a.Fetched - b.Fetched,
            a.RecipientPullsDeferred - b.RecipientPullsDeferred);
        var n = run.Recipients;
        var charged = (double)(a.ChargedLiveBytes - b.ChargedLiveBytes) / n;
        return new RunFigures(run.PullRate, n, funnel, seconds,
            Costs.PerUnit(a.SenderCpu - b.SenderCpu, background.SenderCpu, seconds, n) * 1e6,
            (double)(a.DatagramsSent - b.DatagramsSent) / n,
            (double)(a.FetchServedBytes - b.FetchServedBytes) / n,
            charged, charged * transitHours,
            (double)(a.Retransmissions - b.Retransmissions) / n,
            Costs.PerUnit(a.RecipientCpu - b.RecipientCpu, background.RecipientCpu, seconds, funnel.Filed) * 1e6,
            Costs.PerUnit(a.RecipientWriteBytes - b.RecipientWriteBytes, background.RecipientWrites, seconds, funnel.Filed),
            funnel.Filed == 0 ? double.NaN : (a.RecipientRssMiB - b.RecipientRssMiB) * 1024 * 1024 / funnel.Filed,
            funnel.Filed == 0 ? double.NaN : (double)(a.RecipientPendingDiskBytes - b.RecipientPendingDiskBytes) / funnel.Filed,
            Costs.PerUnit(a.RecipientReceiveThreadCpu - b.RecipientReceiveThreadCpu, background.RecipientReceiveThread, seconds, funnel.Filed) * 1e6,
            Costs.Percentile(run.LegitMs, 50), Costs.Percentile(run.LegitMs, 99));
    }

    /// <summary>
    /// The slope of each recipient cost between <paramref name="small"/> and this run (both nobody pulls): what one more
    /// ignored notification costs, with what both runs pay once out of it (<see cref="Costs.Marginal"/>).
    /// </summary>
    public (double CpuUs, double WriteBytes, double RssBytes, double PendingDiskBytes, double ReceiveThreadCpuUs, double SenderCpuUs) MarginalOver(RunFigures small)
    {
        double Slope(Func<RunFigures, double> each) => Costs.Marginal(each(this) * Funnel.Filed, each(small) * small.Funnel.Filed, Funnel.Filed, small.Funnel.Filed);
        // The sender's CPU is per recipient, not per reference filed.
        var sender = Costs.Marginal(SenderCpuUs * Recipients, small.SenderCpuUs * small.Recipients, Recipients, small.Recipients);
        return (Slope(r => r.RecipientCpuUs), Slope(r => r.RecipientWriteBytes), Slope(r => r.RecipientRssBytes), Slope(r => r.RecipientPendingDiskBytes), Slope(r => r.RecipientReceiveThreadCpuUs), sender);
    }
}
