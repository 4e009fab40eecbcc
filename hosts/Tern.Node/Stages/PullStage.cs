using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.Engine.Discovery;
using Tern.Engine.Pull;
using Tern.Transports.Fetch.Client;

namespace Tern.Node.Stages;

/// <summary>
/// The pull worker and the queue of immediate pulls. A failed pull is retried by the worker with a backoff until its
/// reference expires (<see cref="PullWorkerOptions.RetryBackoff"/>). Stopping hands the queued references over, gives the
/// pulls in flight up to <see cref="TernNodeOptions.DrainTimeout"/> to land, and cancels the rest: a cancelled pull leaves
/// its reference pending (the partial file is resumed after the last good chunk by the next pull of it). What is to be
/// pulled is read from the pending table at each start (<see cref="StartupPulls"/>), so a pull cut by a stop, a crash or
/// a <c>kill -9</c> is queued again by the next start.
/// </summary>
internal sealed class PullStage : IHostedService, IAsyncDisposable
{
    private readonly TernNode _node;
    private readonly IOptions<PullWorkerOptions> _options;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggers;
    private readonly IOptions<TernNodeDecorators> _decorators;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private HttpClient? _http;
    private FetchSourceFactory? _sources;
    private Task _startupPulls = Task.CompletedTask;

    public PullStage(TernNode node, IOptions<PullWorkerOptions> options, IOptions<TernNodeDecorators> decorators, IServiceProvider services, ILoggerFactory loggers)
    {
        _node = node;
        _decorators = decorators;
        _options = options;
        _services = services;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Tern.Node");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true });
        _sources = new FetchSourceFactory(_http, _node.Options.AllowPlainTextFetchOnLoopback);
        var sources = _decorators.Value.FetchSources is { } decorate ? decorate(_sources) : _sources;
        var puller = new PullWorker(_node.Pending, _node.Messages, new KnownPeerDescriptorResolver(_services.GetRequiredService<IDescriptorResolver>(), _node.KnownPeers), sources, _options.Value,
            _loggers.CreateLogger<PullWorker>(), journal: _node.PullJournal);
        puller.Start();
        var queue = new ImmediatePullQueue(_node.Pending, puller, logger: _loggers.CreateLogger<ImmediatePullQueue>());
        queue.Start();
        _node.Puller = puller;
        _node.PullQueue = queue;
        _node.ImmediatePulls = queue;

        // A file an earlier version wrote at stop: what it listed is in the pending table, which the scan reads.
        File.Delete(Path.Combine(TernDataDirectory.State(_node.Options.DataDirectory), "interrupted-pulls.bin"));
        _startupPulls = new StartupPulls(_node, puller, _options.Value.QueueCapacity, _logger).RunAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _startupPulls.ConfigureAwait(false);
        if (_node.PullQueue is { } queue)
        {
            await queue.DisposeAsync().ConfigureAwait(false);
        }

        if (_node.Puller is { } puller)
        {
            using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            drain.CancelAfter(_node.StopBudget.DrainLeft);
            try
            {
                while (puller.Outstanding > 0)
                {
                    await Task.Delay(20, drain.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                NodeLogMessages.PullDrainCut(_logger, (int)Math.Min(int.MaxValue, puller.Outstanding));
            }

            await puller.DisposeAsync().ConfigureAwait(false);
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sources is not null)
        {
            await _sources.DisposeAsync().ConfigureAwait(false);
            _sources = null;
        }

        _http?.Dispose();
        _http = null;
        _stopping.Dispose();
    }
}
