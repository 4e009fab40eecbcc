using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.Transports.Fetch;

namespace Tern.Node.Stages;

/// <summary>
/// The fetch doors over the transit store (docs/PROTOCOL.md §8). Stopping refuses new connections and lets fetches in
/// flight finish for at most <see cref="TernNodeOptions.DrainTimeout"/>; a fetch cut then resumes from its last good
/// chunk against the restarted node, and the saved coverage keeps what was already fetched (§9).
/// </summary>
internal sealed class FetchStage : IHostedService
{
    private readonly TernNode _node;
    private readonly IOptions<FetchServerOptions> _options;
    private readonly ILoggerFactory _loggers;

    public FetchStage(TernNode node, IOptions<FetchServerOptions> options, ILoggerFactory loggers)
    {
        _node = node;
        _options = options;
        _loggers = loggers;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Value.Listeners.Count == 0)
        {
            return;
        }

        var fetch = new FetchServer(_node.Store, _options.Value, _loggers);
        await fetch.StartAsync(cancellationToken).ConfigureAwait(false);
        _node.Fetch = fetch;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_node.Fetch is not { } fetch)
        {
            return;
        }

        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(_node.Options.DrainTimeout);
        await fetch.StopAsync(drain.Token).ConfigureAwait(false);
        await fetch.DisposeAsync().ConfigureAwait(false);
    }
}
