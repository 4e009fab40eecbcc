using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Tern.Load.Nodes;

/// <summary>
/// Load from <c>wrk</c> (one thread, <c>concurrency</c> kept-alive HTTP/1.1 connections, bench/c2s-post.lua) against a
/// server in another process, whose CPU time over the measured run is read from <c>/proc</c>: wrk is C with an event
/// loop, the client that costs least, and it shares the machine's cores with the server, so what the server can carry
/// is reported as its CPU per request beside the throughput seen.
/// </summary>
internal static partial class WrkLoad
{
    public sealed record Result(long Requests, double Seconds, long Refused, long SocketErrors, double CpuUsPerRequest, double LatencyP50Us, double LatencyP99Us, double ClientCpuUsPerRequest)
    {
        public double PerSecond => Requests / Seconds;

        public string Format() => string.Create(CultureInfo.InvariantCulture,
            $"requests={Requests} refused={Refused} socket_errors={SocketErrors} seconds={Seconds:F2} per_second={PerSecond:F0} cpu_us_per_request={CpuUsPerRequest:F1} latency_p50_us={LatencyP50Us:F0} latency_p99_us={LatencyP99Us:F0} client_cpu_us_per_request={ClientCpuUsPerRequest:F1}");
    }

    /// <summary>A warm-up run of <paramref name="warmup"/>, then the measured run of <paramref name="seconds"/> with the server's CPU read around it.</summary>
    /// <remarks><paramref name="environment"/>: more variables for the script (the batch script's recipient and batch size).</remarks>
    public static async Task<Result> RunAsync(int serverPid, string url, string script, int concurrency, int size, string? token, TimeSpan warmup, int seconds,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        await WrkAsync(url, script, concurrency, size, token, (int)Math.Ceiling(warmup.TotalSeconds), environment).ConfigureAwait(false);
        var cpu = ProcStat.Cpu(serverPid);
        var output = await WrkAsync(url, script, concurrency, size, token, seconds, environment).ConfigureAwait(false);
        cpu = ProcStat.Cpu(serverPid) - cpu;
        var match = Line().Match(output);
        if (!match.Success)
        {
            throw new InvalidOperationException($"wrk printed no result line:\n{output}");
        }

        long Field(string name) => long.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
        var requests = Field("requests");
        var client = ClientTimes().Match(output);
        var clientUs = client.Success ? (Minutes(client, "um", "us") + Minutes(client, "sm", "ss")) * 1e6 : double.NaN;
        return new Result(requests, Field("duration") / 1e6, Field("status"), Field("socket") + Field("timeouts"),
            requests == 0 ? 0 : cpu.TotalMicroseconds / requests, Field("p50"), Field("p99"), requests == 0 ? 0 : clientUs / requests);
    }

    private static double Minutes(Match match, string minutes, string seconds) =>
        (double.Parse(match.Groups[minutes].Value, CultureInfo.InvariantCulture) * 60) + double.Parse(match.Groups[seconds].Value, CultureInfo.InvariantCulture);

    private static async Task<string> WrkAsync(string url, string script, int concurrency, int size, string? token, int seconds, IReadOnlyDictionary<string, string>? environment)
    {
        // wrk under bash, whose `times` then prints the CPU its child used (user, system): the load generator's own cost.
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", "wrk \"$@\" && times", "wrk", "-t1", $"-c{concurrency}", $"-d{seconds}s", "--timeout", "10s", "-s", script, url })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["C2S_SIZE"] = size.ToString(CultureInfo.InvariantCulture);
        start.Environment["C2S_TOKEN"] = token ?? "";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var wrk = Process.Start(start)!;
        var output = wrk.StandardOutput.ReadToEndAsync();
        var error = wrk.StandardError.ReadToEndAsync();
        await wrk.WaitForExitAsync().ConfigureAwait(false);
        if (wrk.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk exited {wrk.ExitCode}: {await error.ConfigureAwait(false)}");
        }

        return await output.ConfigureAwait(false);
    }

    [GeneratedRegex(@"WRK requests=(?<requests>\d+) duration_us=(?<duration>\d+) status_errors=(?<status>\d+) socket_errors=(?<socket>\d+) timeouts=(?<timeouts>\d+) p50_us=(?<p50>\d+) p99_us=(?<p99>\d+)")]
    private static partial Regex Line();

    // `times`: the shell's own line, then its children's, each "<m>m<s>s <m>m<s>s" (user, system).
    [GeneratedRegex(@"\d+m[\d.]+s [\d.m]+s\n(?<um>\d+)m(?<us>[\d.]+)s (?<sm>\d+)m(?<ss>[\d.]+)s")]
    private static partial Regex ClientTimes();
}
