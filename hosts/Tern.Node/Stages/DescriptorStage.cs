using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Transit;

namespace Tern.Node.Stages;

/// <summary>
/// Signs the domain's descriptor (docs/PROTOCOL.md §6.1) from the node's keys and <see cref="WellKnownOptions"/>, and
/// has the HTTP fetch door serve it at <c>/.well-known/tern</c> (§6.2). Signs again when half the validity has passed
/// and when the configuration changes (a moved endpoint) or the key sets do (a rotation, docs/PROTOCOL.md §16), so peers
/// pick the change up within their cache lifetime and nobody restarts. Starts after intake, whose bound port the default <c>notify</c> entry names.
/// </summary>
internal sealed class DescriptorStage : IHostedService, IDisposable
{
    private readonly TernNode _node;
    private readonly IOptions<WellKnownOptions> _options;
    private readonly IOptions<TransitStoreOptions> _transit;
    private readonly IOptions<BulkGatewayOptions> _bulk;
    private readonly WellKnownSource _source;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private WellKnownOptions _current = null!;
    private IDisposable? _watch;
    private Task _renewal = Task.CompletedTask;
    private TaskCompletionSource _resign = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DescriptorStage(TernNode node, IOptions<WellKnownOptions> options, IOptions<TransitStoreOptions> transit, IOptions<BulkGatewayOptions> bulk, WellKnownSource source, ILoggerFactory loggers)
    {
        _node = node;
        _options = options;
        _transit = transit;
        _bulk = bulk;
        _source = source;
        _logger = loggers.CreateLogger("Tern.Node");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _current = _options.Value;
        if (_node.Fetch is null)
        {
            // No door to serve it on: a node that only sends and receives notifications publishes through another web server.
            return Task.CompletedTask;
        }

        var expires = Publish();
        _watch = _source.OnChange(Reload);
        _node.KeyRotation.Changed += OnKeysChanged;
        _renewal = RenewAsync(expires, _stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _watch?.Dispose();
        _watch = null;
        _node.KeyRotation.Changed -= OnKeysChanged;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>Signs the descriptor with what the node holds now and swaps it in; returns its expiry.</summary>
    private DateTimeOffset Publish()
    {
        lock (_lock)
        {
            var options = _current;
            IEnumerable<string> notify = options.Notify.Count > 0 ? options.Notify : _node.NotifyEndPoints.Select(e => $"udp://{e}");
            IEnumerable<string> fetch = options.Fetch.Count > 0 ? options.Fetch : _node.FetchHints;
            var maxTransit = (int)Math.Clamp(_transit.Value.MaxTransit.TotalSeconds, 1, DescriptorLimits.MaxTransitSeconds);
            // §16.1: during a rotation the current key set signs and the other cross-signs the rotation statement.
            var keys = _node.KeyRotation.Snapshot;
            var described = DomainDescriptor.For(keys.Current, notify, fetch, options.Validity, maxTransitSeconds: maxTransit, gateway: _node.Options.Role == NodeRole.Gateway);
            if (_node.BulkEndPoint is { } bulk)
            {
                // §6.1 bulk: where peer gateways send their sessions (§17.1).
                described = new DomainDescriptor(described) { Bulk = _bulk.Value.Advertise.Count > 0 ? [.. _bulk.Value.Advertise] : [$"udp://{bulk}"] };
            }

            var descriptor = keys.Describe(described);
            var document = SignedDescriptor.Sign(descriptor, keys.Current);
            _node.Fetch!.PublishDescriptor(document, descriptor.ExpiresAt, options.CacheMaxAge);
            _node.ServedDescriptor = document;
            _node.DescriptorValidity = options.Validity;
            // Signed at most a few times a day: joining the lists costs nothing that matters.
            var notifyText = string.Join(' ', descriptor.Notify);
            var fetchText = string.Join(' ', descriptor.Fetch);
            NodeLogMessages.DescriptorSigned(_logger, notifyText, fetchText, descriptor.ExpiresAt);
            return descriptor.ExpiresAt;
        }
    }

    /// <summary>The configuration changed: a valid <c>Tern:WellKnown</c> is signed at once; a bad one is logged and the document served stays.</summary>
    private void Reload()
    {
        WellKnownOptions options;
        try
        {
            options = _source.Read();
        }
        catch (TernConfigurationException e)
        {
            NodeLogMessages.DescriptorReloadRefused(_logger, e.Message);
            return;
        }

        lock (_lock)
        {
            _current = options;
        }

        _resign.TrySetResult();
    }

    /// <summary>The key sets changed (a rotation begun, at <c>rotates_at</c>, or retired): signed again at once (§16).</summary>
    private void OnKeysChanged(Engine.Keys.KeyRotationSnapshot snapshot) => _resign.TrySetResult();

    /// <summary>Signs again at half the validity, or at once after a reload.</summary>
    private async Task RenewAsync(DateTimeOffset expires, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var resign = _resign.Task;
            var due = (expires - DateTimeOffset.UtcNow) / 2;
            var wait = Task.Delay(due > TimeSpan.Zero ? due : TimeSpan.Zero, cancellationToken);
            await Task.WhenAny(wait, resign).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (resign.IsCompleted)
            {
                _resign = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            expires = Publish();
        }
    }
}
