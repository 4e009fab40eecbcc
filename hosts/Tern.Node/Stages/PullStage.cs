using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.Engine.Discovery;
using Tern.Engine.Pull;
using Tern.Transports.Fetch.Client;

namespace Tern.Node.Stages;

/// <summary>
/// The pull worker and the queue of immediate pulls. Stopping hands the queued references over, gives the pulls in
/// flight up to <see cref="TernNodeOptions.DrainTimeout"/> to land, and cancels the rest: a cancelled pull leaves its
/// reference pending (the partial file is resumed after the last good chunk by the next pull of it), and the next start
/// queues it again (<see cref="InterruptedPulls"/>).
/// </summary>
internal sealed class PullStage : IHostedService, IAsyncDisposable
{
    private readonly TernNode _node;
    private readonly IOptions<PullWorkerOptions> _options;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggers;
    private readonly IOptions<TernNodeDecorators> _decorators;
    private readonly ILogger _logger;
    private HttpClient? _http;
    private FetchSourceFactory? _sources;
    private InterruptedPulls? _interrupted;
    private int _inFlight;
    private TaskCompletionSource? _idle;

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
            _loggers.CreateLogger<PullWorker>());
        puller.Completed += OnCompleted;
        puller.Start();
        var queue = new ImmediatePullQueue(_node.Pending, puller, logger: _loggers.CreateLogger<ImmediatePullQueue>());
        queue.Start();
        _interrupted = new InterruptedPulls(queue);
        puller.Completed += _interrupted.Completed;
        _node.Puller = puller;
        _node.PullQueue = queue;
        _node.ImmediatePulls = _interrupted;
        var resumed = _interrupted.Resume(InterruptedPulls.File(_node.Options.DataDirectory));
        if (resumed > 0)
        {
            NodeLogMessages.PullsResumed(_logger, resumed);
        }

        return Task.CompletedTask;
    }

    /// <summary>Counts pulls handed to the worker (the queue's hand-overs) against those completed, to know when it is idle.</summary>
    private void OnCompleted(PullResult result)
    {
        if (Interlocked.Decrement(ref _inFlight) <= 0)
        {
            Volatile.Read(ref _idle)?.TrySetResult();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_node.PullQueue is { } queue)
        {
            await queue.DisposeAsync().ConfigureAwait(false);
            Interlocked.Add(ref _inFlight, (int)Math.Min(int.MaxValue, queue.HandedOver));
        }

        if (_node.Puller is { } puller)
        {
            var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _idle, idle);
            if (Volatile.Read(ref _inFlight) > 0)
            {
                try
                {
                    await idle.Task.WaitAsync(_node.Options.DrainTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is TimeoutException or OperationCanceledException)
                {
                    NodeLogMessages.PullDrainCut(_logger, Volatile.Read(ref _inFlight));
                }
            }

            await puller.DisposeAsync().ConfigureAwait(false);
        }

        if (_interrupted is { } interrupted)
        {
            if (interrupted.Count > 0)
            {
                NodeLogMessages.PullsInterrupted(_logger, interrupted.Count);
            }

            interrupted.Save(InterruptedPulls.File(_node.Options.DataDirectory));
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
    }
}
