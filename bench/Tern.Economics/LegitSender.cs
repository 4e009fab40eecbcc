using System.Buffers.Binary;
using System.Diagnostics;

namespace Tern.Economics;

/// <summary>
/// The legitimate sender: alice at a.example submits a 1 KiB message to bob at b.example every <see cref="Interval"/>
/// (one at a time), bob's preference pulls a.example at once, and bob's client lists his stored messages every 5 ms
/// until the message is there. Each latency is timed from the start of alice's POST to bob's list showing it.
/// </summary>
internal sealed class LegitSender(Http alice, Http bob, string bobHash, Func<string, string, Task<string>>? diagnose = null)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    private readonly List<(double At, double Ms)> _samples = [];
    private readonly List<string> _stalls = [];
    private readonly List<LegitSplit> _slow = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private volatile TaskCompletionSource? _pause;

    /// <summary>
    /// Stops sending after the message in flight (stored, or given up, and deleted): completes once nothing of the
    /// legitimate traffic is under way, so a window measured until <see cref="Resume"/> holds the campaign alone.
    /// </summary>
    public Task PauseAsync()
    {
        var pause = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pause = pause;
        return pause.Task;
    }

    /// <summary>Sends again after <see cref="PauseAsync"/>.</summary>
    public void Resume() => _pause = null;

    /// <summary>Seconds since the sender was made: the clock the samples and phases share.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>The latencies (ms) of messages started in [from, to) seconds.</summary>
    public List<double> Between(double from, double to)
    {
        lock (_samples)
        {
            return [.. _samples.Where(s => s.At >= from && s.At < to).Select(s => s.Ms)];
        }
    }

    /// <summary>A latency at or above this is split into its steps (<see cref="SlowBetween"/>).</summary>
    public const double SlowMs = 50;

    /// <summary>
    /// The messages started in [from, to) seconds that took at least <see cref="SlowMs"/>, slowest first: when each was
    /// sent (seconds from <paramref name="from"/>), its latency, alice's submit, and the time from the submit's start until
    /// b.example began to commit it.
    /// </summary>
    public List<LegitSplit> SlowBetween(double from, double to)
    {
        lock (_slow)
        {
            return [.. _slow.Where(s => s.At >= from && s.At < to).OrderByDescending(s => s.Ms).Select(s => s with { At = s.At - from })];
        }
    }

    /// <summary>
    /// One line per message not stored within the step timeout: when it was sent and what the nodes' counters said at the
    /// timeout (<c>diagnose</c>), so that a run where it happens says where the message waited.
    /// </summary>
    public List<string> Stalls
    {
        get
        {
            lock (_stalls)
            {
                return [.. _stalls];
            }
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var content = new byte[1024];
        Random.Shared.NextBytes(content);
        long sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            if (_pause is { } pause)
            {
                pause.TrySetResult();
                await Task.Delay(Interval, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            var next = Now + Interval.TotalSeconds;
            BinaryPrimitives.WriteInt64LittleEndian(content, ++sequence);
            var at = Now;
            var start = Stopwatch.GetTimestamp();
            var startWall = DateTimeOffset.UtcNow;
            var submitted = await alice.PostBytesAsync($"/v1/messages?to={bobHash}@b.example", content).ConfigureAwait(false);
            var submitMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var payloadHash = submitted["payloadHash"]!.GetValue<string>();
            var messageId = submitted["messageId"]!.GetValue<string>();
            string? id = null;
            DateTimeOffset? storedAt = null;
            DateTimeOffset? filedAt = null;
            while (id is null && Stopwatch.GetElapsedTime(start) <= StepTimeout)
            {
                var list = await bob.GetAsync($"/v1/stored?hash={bobHash}").ConfigureAwait(false);
                var found = list["messages"]!.AsArray().FirstOrDefault(m => m!["payloadHash"]!.GetValue<string>() == payloadHash);
                id = found?["id"]!.GetValue<string>();
                storedAt = found?["stored"]?.GetValue<DateTimeOffset>();
                if (id is null && filedAt is null && Stopwatch.GetElapsedTime(start).TotalMilliseconds >= SlowMs / 2)
                {
                    // Slow already: when b.example filed it, if it still waits there (one more poll, on slow ones only).
                    var pending = await bob.GetAsync($"/v1/references?hash={bobHash}").ConfigureAwait(false);
                    filedAt = pending["references"]?.AsArray().FirstOrDefault(r => r?["payloadHash"]?.GetValue<string>() == payloadHash)?["received"]?.GetValue<DateTimeOffset>();
                }

                if (id is null)
                {
                    if (Stopwatch.GetElapsedTime(start) > StepTimeout)
                    {
                        // Not stored within the step timeout: counted as an infinite latency (it lands in the p99), and the next message goes.
                        break;
                    }

                    await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
                }
            }

            if (id is null)
            {
                var state = diagnose is null ? "" : await DiagnoseAsync(() => diagnose(messageId, payloadHash)).ConfigureAwait(false);
                var line = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"message {sequence} sent at {at:F1} s ({payloadHash}) not stored within {StepTimeout.TotalSeconds:F0} s; {state}");
                Console.WriteLine($"legit: {line}");
                lock (_stalls)
                {
                    _stalls.Add(line);
                }
            }

            var ms = id is null ? double.PositiveInfinity : Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (ms >= SlowMs && storedAt is { } stored)
            {
                // Where a slow one spent its time: alice's submit, until b.example filed its reference (when a poll saw
                // it pending), until b.example began to commit it (its pull done), until bob's list showed it.
                var toCommit = (stored - startWall).TotalMilliseconds;
                var toFiled = filedAt is { } filed ? (filed - startWall).TotalMilliseconds : double.NaN;
                lock (_slow)
                {
                    _slow.Add(new LegitSplit(at, ms, submitMs, toFiled, toCommit));
                }
            }
            lock (_samples)
            {
                _samples.Add((at, ms));
            }

            if (id is not null)
            {
                await bob.DeleteAsync($"/v1/stored/{id}").ConfigureAwait(false);
            }

            var wait = next - Now;
            if (wait > 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait), stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static async Task<string> DiagnoseAsync(Func<Task<string>> diagnose)
    {
        try
        {
            return await diagnose().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A diagnosis that fails must not end the legitimate traffic; what failed is the diagnosis.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return $"the nodes' counters could not be read: {ex.GetType().Name}: {ex.Message}";
        }
    }
}
