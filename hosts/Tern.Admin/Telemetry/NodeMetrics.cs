using Prometheus;

namespace Tern.Admin.Telemetry;

/// <summary>
/// The node's figures in Prometheus's text format, served at <c>/metrics</c> (docs/OPERATIONS.md "Metrics"; why
/// prometheus-net: docs/ARCHITECTURE.md §7). One registry per node, never the library's static default one, so two nodes
/// in one process (the tests) keep theirs apart and the library's own listeners on every meter never start. Just before
/// each scrape the registry is filled from the counters the engine and the doors already keep (the same ones their
/// <see cref="System.Diagnostics.Metrics"/> meters observe); the commit latency, which only a recording can keep, comes
/// through <see cref="CommitDurationBridge"/>; the process's memory, CPU and GC through the library's collector.
/// </summary>
internal sealed partial class NodeMetrics : IDisposable
{
    private readonly MetricFactory _factory;
    private readonly List<Action> _refresh = [];
    private readonly CommitDurationBridge _commits;

    public NodeMetrics(AdminContext admin, TimeProvider time)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        _factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        AddNode(admin);
        AddNotificationPort(admin.Node, time);
        AddDelivery(admin.Node);
        AddCustody(admin.Node);
        AddBulk(admin.Node);
        AddFetch(admin.Node);
        _commits = AddTransit(admin);
        AddPull(admin.Node);
        AddRuntime();
        DotNetStats.Register(Registry);
        Registry.AddBeforeCollectCallback(Refresh);
    }

    /// <summary>The node's registry.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Writes every figure, read now, in the text exposition format (version 0.0.4).</summary>
    public Task WriteAsync(Stream body, CancellationToken cancellationToken) => Registry.CollectAndExportAsTextAsync(body, cancellationToken);

    public void Dispose() => _commits.Dispose();

    private void Refresh()
    {
        // Two scrapes at once would otherwise interleave the ingest's occupancy snapshot with each other's reads.
        lock (_refresh)
        {
            foreach (var refresh in _refresh)
            {
                refresh();
            }
        }
    }

    /// <summary>A counter read from a cumulative figure the node keeps (it only grows while the node runs).</summary>
    private void Counter(string name, string help, Func<double> read)
    {
        var counter = _factory.CreateCounter(name, help);
        _refresh.Add(() => counter.IncTo(read()));
    }

    /// <summary>A counter with one label, a series per value, each present (at 0) from the first scrape so alerts on it can fire.</summary>
    private void Counter<T>(string name, string help, string label, IEnumerable<T> values, Func<T, string> text, Func<T, double> read)
    {
        var counter = _factory.CreateCounter(name, help, label);
        foreach (var value in values)
        {
            var child = counter.WithLabels(text(value));
            _refresh.Add(() => child.IncTo(read(value)));
        }
    }

    private void Gauge(string name, string help, Func<double> read)
    {
        var gauge = _factory.CreateGauge(name, help);
        _refresh.Add(() => gauge.Set(read()));
    }

    private void Gauge<T>(string name, string help, string label, IEnumerable<T> values, Func<T, string> text, Func<T, double> read)
    {
        var gauge = _factory.CreateGauge(name, help, label);
        foreach (var value in values)
        {
            var child = gauge.WithLabels(text(value));
            _refresh.Add(() => child.Set(read(value)));
        }
    }
}
