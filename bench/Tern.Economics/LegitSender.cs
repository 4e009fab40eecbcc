using System.Buffers.Binary;
using System.Diagnostics;

namespace Tern.Economics;

/// <summary>
/// The legitimate sender: alice at a.example submits a 1 KiB message to bob at b.example every <see cref="Interval"/>
/// (one at a time), bob's preference pulls a.example at once, and bob's client lists his stored messages every 5 ms
/// until the message is there. Each latency is timed from the start of alice's POST to bob's list showing it.
/// </summary>
internal sealed class LegitSender(Http alice, Http bob, string bobHash)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    private readonly List<(double At, double Ms)> _samples = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

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

    public async Task RunAsync(CancellationToken stop)
    {
        var content = new byte[1024];
        Random.Shared.NextBytes(content);
        long sequence = 0;
        while (!stop.IsCancellationRequested)
        {
            var next = Now + Interval.TotalSeconds;
            BinaryPrimitives.WriteInt64LittleEndian(content, ++sequence);
            var at = Now;
            var start = Stopwatch.GetTimestamp();
            var submitted = await alice.PostBytesAsync($"/v1/messages?to={bobHash}@b.example", content).ConfigureAwait(false);
            var payloadHash = submitted["payloadHash"]!.GetValue<string>();
            string? id = null;
            while (id is null && Stopwatch.GetElapsedTime(start) <= StepTimeout)
            {
                var list = await bob.GetAsync($"/v1/stored?hash={bobHash}").ConfigureAwait(false);
                id = list["messages"]!.AsArray().FirstOrDefault(m => m!["payloadHash"]!.GetValue<string>() == payloadHash)?["id"]!.GetValue<string>();
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

            var ms = id is null ? double.PositiveInfinity : Stopwatch.GetElapsedTime(start).TotalMilliseconds;
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
}
