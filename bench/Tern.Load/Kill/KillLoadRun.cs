using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tern.Engine.Protocol;
using Tern.Load.Open;
using Tern.Load.Scenarios;

namespace Tern.Load.Kill;

/// <summary>
/// Kill under load (issue 18): alice submits to bob and carol at b.example through a.example's client API, b.example pulls
/// bob's at once and carol's when she asks, carol polls her references and bob reads his stored messages back, all as
/// open-model streams (<see cref="LoadRun"/>); meanwhile one node at a time is killed with SIGKILL at a seeded random
/// moment of each period and restarted on its data directory. Checked after each restart and at the end: no acknowledged
/// submission lost (a.example lists it or b.example stored it), no reference carol was shown lost (pending again within
/// <see cref="KillLoadOptions.RefileBound"/>, or stored), no stored message gone or altered, and once the load stops
/// every acknowledged message stored at b.example within <see cref="KillLoadOptions.DrainBound"/> with its delivery
/// fetched at a.example or still retransmitted.
/// </summary>
internal static class KillLoadRun
{
    private static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CheckPause = TimeSpan.FromMilliseconds(500);

    public static async Task<KillLoadResult> RunAsync(string work, string ternDll, KillLoadOptions options)
    {
        options.Validate();
        var ledger = new KillLedger();
        await using var nodes = KillNodes.Create(work, ternDll, options.NodeSettings());
        double[] firstStart = [(await nodes.StartAsync(0).ConfigureAwait(false)).TotalSeconds, (await nodes.StartAsync(1).ConfigureAwait(false)).TotalSeconds];
        using var alice = nodes.ClientApi(0, "alice", 8);
        using var bob = nodes.ClientApi(1, "bob", 2);
        using var carol = nodes.ClientApi(1, "carol", 2);
        using var checkAlice = nodes.ClientApi(0, "alice", 2);
        using var checkBob = nodes.ClientApi(1, "bob", 2);
        using var checkCarol = nodes.ClientApi(1, "carol", 2);
        HttpClient[] admins = [nodes.Admin(0), nodes.Admin(1)];
        try
        {
            var bobHash = RecipientHash.NewRandom();
            var carolHash = RecipientHash.NewRandom();
            await ClientSteps.RegisterHashAsync(bob, bobHash).ConfigureAwait(false);
            await ClientSteps.RegisterHashAsync(carol, carolHash).ConfigureAwait(false);
            using (var preference = new StringContent("{\"pull\":\"immediately\"}", Encoding.UTF8, "application/json"))
            using (var answer = await bob.PutAsync(new Uri("/v1/preferences/a.example", UriKind.Relative), preference).ConfigureAwait(false))
            {
                answer.EnsureSuccessStatusCode();
            }

            var submits = new LoadStream(new LoadStreamOptions { Name = "submit", Rate = options.SubmitRate, Lanes = 8, Timeout = TimeSpan.FromSeconds(10) },
                new SubmitTarget(alice, ledger, options, bobHash.ToString(), carolHash.ToString()));
            var carolTarget = new CarolTarget(carol, ledger, options, carolHash.ToString());
            var carolPolls = new LoadStream(new LoadStreamOptions { Name = "carol-poll", Rate = options.ClientRate, Lanes = 1, MaxInFlight = 64, Timeout = TimeSpan.FromSeconds(10) }, carolTarget);
            var bobTarget = new BobTarget(bob, ledger, options);
            var bobReads = new LoadStream(new LoadStreamOptions { Name = "bob-read", Rate = options.ClientRate, Lanes = 1, MaxInFlight = 64, Timeout = TimeSpan.FromSeconds(10) }, bobTarget);

            var loadClock = Stopwatch.StartNew();
            var load = LoadRun.RunAsync([submits, carolPolls, bobReads], new LoadRunOptions
            {
                Warmup = TimeSpan.Zero,
                Duration = options.LoadDuration,
                Seed = options.Seed,
                Progress = options.Progress,
                TimelinePath = options.TimelinePath,
                Probes =
                [
                    new TimelineProbe("acknowledged", _ => Task.FromResult((long)ledger.AcknowledgedCount)),
                    new TimelineProbe("verified", _ => Task.FromResult((long)ledger.VerifiedCount)),
                ],
            });

            var points = new List<KillPoint>();
            var checks = new List<Task>();
            var random = new Random(options.Seed);
            var firstVictim = random.Next(2);
            for (var i = 0; i < options.Kills; i++)
            {
                var at = (i + 0.15 + (0.45 * random.NextDouble())) * options.Period.TotalSeconds;
                var down = random.NextDouble() * options.MaxDownTime.TotalSeconds;
                var victim = (i + firstVictim) % 2;
                var wait = TimeSpan.FromSeconds(at) - loadClock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait).ConfigureAwait(false);
                }

                // Restarts slower than the periods allow push the kills late; one that would fall when the load has
                // (nearly) ended would not be a kill under load, and is not made (the report counts the kills made).
                if (loadClock.Elapsed > options.LoadDuration - TimeSpan.FromSeconds(2))
                {
                    break;
                }

                var point = new KillPoint { Index = i, Victim = KillNodes.Names[victim], DownSeconds = down };
                point.A = await NodeSnapshot.TryReadAsync(admins[0], StatsTimeout).ConfigureAwait(false);
                point.B = await NodeSnapshot.TryReadAsync(admins[1], StatsTimeout).ConfigureAwait(false);
                var acknowledged = ledger.AcknowledgedSnapshot();
                var carolSeen = ledger.CarolSeenSnapshot();
                var verified = ledger.VerifiedSnapshot();
                point.SubmitsInFlight = submits.InFlight;
                point.CarolInFlight = carolPolls.InFlight;
                point.BobInFlight = bobReads.InFlight;
                point.AcknowledgedBefore = acknowledged.Count;
                point.AtSeconds = loadClock.Elapsed.TotalSeconds;
                await nodes.KillAsync(victim).ConfigureAwait(false);
                points.Add(point);

                point.DiskBytes = nodes.DiskBytes(victim);
                await Task.Delay(TimeSpan.FromSeconds(down)).ConfigureAwait(false);
                point.RecoverySeconds = (await nodes.StartAsync(victim).ConfigureAwait(false)).TotalSeconds;
                point.After = await NodeSnapshot.TryReadAsync(admins[victim], StatsTimeout).ConfigureAwait(false);
                options.Progress?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"KILL {i}: {point.Victim} at {point.AtSeconds:F1} s, submits in flight {point.SubmitsInFlight}, down {down:F2} s, ready again in {point.RecoverySeconds:F2} s"));
                var when = $"after kill {i} of {point.Victim}";
                if (victim == 0)
                {
                    await RetryAsync(() => CheckAcknowledgedAsync(checkAlice, checkBob, checkCarol, acknowledged, ledger, when)).ConfigureAwait(false);
                }
                else
                {
                    await RetryAsync(() => CheckStoredAsync(checkBob, checkCarol, verified, ledger, when)).ConfigureAwait(false);
                    await RetryAsync(async () =>
                    {
                        var (carolStored, _) = await ClientReads.ListStoredAsync(checkCarol, "0").ConfigureAwait(false);
                        point.CarolUnpulledBefore = carolSeen.Count - carolStored.Count(s => carolSeen.Contains(s.Id));
                    }).ConfigureAwait(false);
                    checks.Add(CheckReferencesAsync(checkCarol, carolTarget.Hash, carolSeen, point, ledger, options.RefileBound));
                }
            }

            var loadResult = await load.ConfigureAwait(false);
            await Task.WhenAll(checks).ConfigureAwait(false);
            var drain = await DrainAsync(checkAlice, checkBob, checkCarol, carolTarget, bobTarget, ledger, options).ConfigureAwait(false);
            return new KillLoadResult
            {
                Options = options,
                Points = points,
                Load = loadResult,
                FirstStartSeconds = firstStart,
                Acknowledged = ledger.AcknowledgedCount,
                Delivered = drain.Delivered,
                FetchedAtSender = drain.Fetched,
                RetransmittingAfterLostMark = drain.Retransmitting,
                Verified = ledger.VerifiedCount,
                StoredUnacknowledged = drain.Unacknowledged,
                CarolSeen = ledger.CarolSeenCount,
                PullAnswers = ledger.PullAnswers,
                DrainSeconds = drain.Seconds,
                Violations = ledger.Violations,
            };
        }
        finally
        {
            foreach (var admin in admins)
            {
                admin.Dispose();
            }
        }
    }

    /// <summary>
    /// A check's reads, tried again a few times: a node just back may be slow to answer its first requests, and a check
    /// that gave up on a transient error would end the run without having found anything.
    /// </summary>
    private static async Task RetryAsync(Func<Task> check)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await check().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (attempt < 5 && e is HttpRequestException or IOException or TaskCanceledException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every submission acknowledged before a kill of a.example is in alice's list there, or stored at b.example.</summary>
    private static async Task CheckAcknowledgedAsync(HttpClient alice, HttpClient bob, HttpClient carol, IReadOnlyList<Acknowledged> acknowledged, KillLedger ledger, string when)
    {
        var listed = await ClientReads.ListMessagesAsync(alice).ConfigureAwait(false);
        var stored = await StoredPayloadsAsync(bob, carol).ConfigureAwait(false);
        foreach (var submission in acknowledged.Where(s => !listed.ContainsKey(s.MessageId) && !stored.Contains(s.PayloadHash)))
        {
            ledger.Violation(ViolationKind.SubmissionLost, $"{when}: acknowledged submission {submission.MessageId} (sequence {submission.Sequence}, to {submission.Recipient}) is neither at a.example nor stored at b.example");
        }
    }

    /// <summary>Every stored message read back before a kill of b.example is still listed for its user.</summary>
    private static async Task CheckStoredAsync(HttpClient bob, HttpClient carol, HashSet<string> verified, KillLedger ledger, string when)
    {
        var (bobs, _) = await ClientReads.ListStoredAsync(bob, "0").ConfigureAwait(false);
        var (carols, _) = await ClientReads.ListStoredAsync(carol, "0").ConfigureAwait(false);
        var listed = bobs.Concat(carols).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in verified.Where(id => !listed.Contains(id)))
        {
            ledger.Violation(ViolationKind.StoredMessage, $"{when}: stored message {id}, read back intact before the kill, is no longer listed");
        }
    }

    /// <summary>
    /// Every reference carol was shown before a kill of b.example is, within <paramref name="bound"/> of the restart, pending
    /// for her again (polled from the start) or stored for her.
    /// </summary>
    private static async Task CheckReferencesAsync(HttpClient carol, string hash, HashSet<string> seen, KillPoint point, KillLedger ledger, TimeSpan bound)
    {
        var watch = Stopwatch.StartNew();
        var missing = seen.Count;
        while (true)
        {
            try
            {
                var (pending, _) = await ClientReads.PollAsync(carol, hash, "0").ConfigureAwait(false);
                var (stored, _) = await ClientReads.ListStoredAsync(carol, "0").ConfigureAwait(false);
                var present = pending.Select(r => r.Capability).Concat(stored.Select(s => s.Id)).ToHashSet(StringComparer.Ordinal);
                missing = seen.Count(capability => !present.Contains(capability));
                if (point.ReferencesMissingAtRestart < 0)
                {
                    point.ReferencesMissingAtRestart = missing;
                }

                if (missing == 0)
                {
                    point.RefiledSeconds = watch.Elapsed.TotalSeconds;
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                // b.example killed again meanwhile: look again once it is back.
            }

            if (watch.Elapsed > bound)
            {
                ledger.Violation(ViolationKind.ReferenceLost, $"after kill {point.Index} of b.example: {missing} of the {seen.Count} references carol had been shown are neither pending for her nor stored {bound.TotalSeconds:F0} s after the restart");
                return;
            }

            await Task.Delay(CheckPause).ConfigureAwait(false);
        }
    }

    private static async Task<HashSet<string>> StoredPayloadsAsync(HttpClient bob, HttpClient carol)
    {
        var (bobs, _) = await ClientReads.ListStoredAsync(bob, "0").ConfigureAwait(false);
        var (carols, _) = await ClientReads.ListStoredAsync(carol, "0").ConfigureAwait(false);
        return bobs.Concat(carols).Select(s => s.PayloadHash).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// After the load: carol goes on polling from her cursor and asks for every reference she was shown that is not stored
    /// yet (a pull she asked for before a kill was lost with the process), bob goes on reading, until every acknowledged
    /// message is stored at b.example or the bound passes. Then each acknowledged message is judged, and every stored
    /// message not yet read back is read and checked.
    /// </summary>
    private static async Task<(int Delivered, int Fetched, int Retransmitting, int Unacknowledged, double Seconds)> DrainAsync(
        HttpClient alice, HttpClient bob, HttpClient carol, CarolTarget carolTarget, BobTarget bobTarget, KillLedger ledger, KillLoadOptions options)
    {
        var watch = Stopwatch.StartNew();
        var acknowledged = ledger.AcknowledgedSnapshot();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 0; ; round++)
        {
            try
            {
                await carolTarget.PollOnceAsync(1.0, CancellationToken.None).ConfigureAwait(false);
                if (round % 5 == 0)
                {
                    // Asked again every 5 s, as a client would that saw nothing come of its request.
                    var (carols, _) = await ClientReads.ListStoredAsync(carol, "0").ConfigureAwait(false);
                    var carolStored = carols.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
                    foreach (var capability in ledger.CarolSeenSnapshot().Where(c => !carolStored.Contains(c)))
                    {
                        ledger.CountPullAnswer("drain-http-" + ((int)await ClientReads.RequestPullAsync(carol, capability).ConfigureAwait(false)).ToString(CultureInfo.InvariantCulture));
                    }
                }

                stored = await StoredPayloadsAsync(bob, carol).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                // A node slow to answer: the next round asks again.
            }

            if (acknowledged.All(s => stored.Contains(s.PayloadHash)) || watch.Elapsed > options.DrainBound)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }

        var seconds = watch.Elapsed.TotalSeconds;
        await bobTarget.ReadAllAsync(CancellationToken.None).ConfigureAwait(false);
        await CheckCursorListingAsync(bob, bobTarget, ledger).ConfigureAwait(false);

        // Every stored message, bob's and carol's, read back and checked once.
        var (bobs, _) = await ClientReads.ListStoredAsync(bob, "0").ConfigureAwait(false);
        var (carolsAll, _) = await ClientReads.ListStoredAsync(carol, "0").ConfigureAwait(false);
        foreach (var (client, entry) in bobs.Select(e => (Client: bob, Entry: e)).Concat(carolsAll.Select(e => (Client: carol, Entry: e))).Where(x => !ledger.IsVerified(x.Entry.Id)))
        {
            await ClientReads.VerifyStoredAsync(client, entry, ledger, options.Seed).ConfigureAwait(false);
        }

        var unacknowledged = bobs.Concat(carolsAll).Count(e => ledger.ByPayloadHash(e.PayloadHash) is null);
        var listed = await ClientReads.ListMessagesAsync(alice).ConfigureAwait(false);
        var (pendingForCarol, _) = await ClientReads.PollAsync(carol, carolTarget.Hash, "0").ConfigureAwait(false);
        var pendingSequences = pendingForCarol.DistinctBy(r => r.PayloadHash).ToDictionary(r => r.PayloadHash, r => r.Sequence, StringComparer.Ordinal);
        int delivered = 0, fetched = 0;
        var stillPending = new List<Acknowledged>();
        foreach (var submission in acknowledged)
        {
            var atSender = listed.TryGetValue(submission.MessageId, out var delivery) ? delivery : (ClientReads.DeliveryEntry?)null;
            if (!stored.Contains(submission.PayloadHash))
            {
                ledger.Violation(atSender is null ? ViolationKind.SubmissionLost : ViolationKind.DeliveryStuck, $"acknowledged submission {submission.MessageId} (sequence {submission.Sequence}, to {submission.Recipient}) not stored at b.example {options.DrainBound.TotalSeconds:F0} s after the load: at a.example {(atSender is { } d ? $"{d.State}, {d.NotificationsSent} notifications" : "not listed")}; pending for carol at b.example: {(pendingSequences.TryGetValue(submission.PayloadHash, out var sequence) ? $"under sequence {sequence}, her cursor at {carolTarget.Cursor}" : "no")}");
                continue;
            }

            delivered++;
            switch (atSender?.State)
            {
                case null or "fetched":
                    fetched++;
                    break;
                case "pending":
                    stillPending.Add(submission);
                    break;
                default:
                    ledger.Violation(ViolationKind.DeliveryStuck, $"acknowledged submission {submission.MessageId} is stored at b.example but a.example says {atSender.Value.State}");
                    break;
            }
        }

        // Stored at b.example yet pending at a.example: a fetched mark a kill cut before its commit. The sender must still be
        // notifying (it keeps the blob until a fetch or its expiry): its count of notifications grows.
        var retransmitting = 0;
        if (stillPending.Count > 0)
        {
            await Task.Delay(options.MaxRetransmitInterval * 2 + TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            var later = await ClientReads.ListMessagesAsync(alice).ConfigureAwait(false);
            foreach (var submission in stillPending)
            {
                var before = listed[submission.MessageId];
                if (later.TryGetValue(submission.MessageId, out var after) && (after.State == "fetched" || after.NotificationsSent > before.NotificationsSent))
                {
                    retransmitting += after.State == "fetched" ? 0 : 1;
                    fetched += after.State == "fetched" ? 1 : 0;
                }
                else
                {
                    ledger.Violation(ViolationKind.DeliveryStuck, $"acknowledged submission {submission.MessageId} is stored at b.example, pending at a.example and no longer notified ({before.NotificationsSent} notifications, then {(later.TryGetValue(submission.MessageId, out var a) ? a.NotificationsSent.ToString(CultureInfo.InvariantCulture) : "gone")})");
                }
            }
        }

        return (delivered, fetched, retransmitting, unacknowledged, seconds);
    }

    /// <summary>Every message listed for bob from the start was also listed to his client polling on from its cursor.</summary>
    private static async Task CheckCursorListingAsync(HttpClient bob, BobTarget target, KillLedger ledger)
    {
        var (all, _) = await ClientReads.ListStoredAsync(bob, "0").ConfigureAwait(false);
        foreach (var entry in all.Where(e => !target.Listed.Contains(e.Id)))
        {
            ledger.Violation(ViolationKind.StoredMessage, $"bob's stored message {entry.Id} is listed from the start but was never listed after his client's cursor");
        }
    }
}
