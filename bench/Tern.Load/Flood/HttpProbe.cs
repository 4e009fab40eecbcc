using System.Diagnostics;
using System.Globalization;

namespace Tern.Load.Flood;

/// <summary>
/// One HTTP route asked on a fixed schedule (every <c>interval</c>) over one keep-alive connection, each answer read whole.
/// A latency runs from when the request was due, not from when it was sent: a request held up by a slow one before it
/// counts its wait (no coordinated omission). Samples go to the current phase's list.
/// </summary>
internal sealed class HttpProbe : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _uri;
    private readonly TimeSpan _interval;
    private readonly Dictionary<string, List<double>> _phases = new(StringComparer.Ordinal);
    private long _failures;
    private CancellationTokenSource? _stop;
    private Task? _loop;

    public HttpProbe(string name, Uri uri, string? bearer, TimeSpan interval)
    {
        Name = name;
        _uri = uri;
        _interval = interval;
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }
    }

    public string Name { get; }

    /// <summary>Answers that were not 2xx, or requests that failed.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Starts asking; samples go to <paramref name="phase"/>.</summary>
    public void Start(string phase)
    {
        var samples = new List<double>();
        _phases[phase] = samples;
        _stop = new CancellationTokenSource();
        _loop = RunAsync(samples, _stop.Token);
    }

    public async Task StopAsync()
    {
        if (_stop is null)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop!.ConfigureAwait(false);
        _stop.Dispose();
        _stop = null;
    }

    /// <summary>"name_phase_p50_ms=… name_phase_p99_ms=… name_phase_max_ms=… name_phase_n=…" for one phase.</summary>
    public string Format(string phase)
    {
        var samples = _phases[phase];
        samples.Sort();
        return string.Create(CultureInfo.InvariantCulture,
            $"{Name}_{phase}_p50_ms={Percentile(samples, 0.50):F2} {Name}_{phase}_p99_ms={Percentile(samples, 0.99):F2} {Name}_{phase}_max_ms={(samples.Count == 0 ? 0 : samples[^1]):F2} {Name}_{phase}_n={samples.Count}");
    }

    public void Dispose() => _http.Dispose();

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private async Task RunAsync(List<double> samples, CancellationToken stop)
    {
        var start = Stopwatch.GetTimestamp();
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            var due = start + (long)(n * _interval.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            try
            {
                using var response = await _http.GetAsync(_uri, HttpCompletionOption.ResponseContentRead, CancellationToken.None).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _failures);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _failures);
            }

            samples.Add(Stopwatch.GetElapsedTime(due).TotalMilliseconds);
        }
    }
}
