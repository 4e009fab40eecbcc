using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Custody;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;
using Tern.Engine.Transit;

namespace Tern.Engine.Bulk;

/// <summary>
/// The receiving gateway's side of bulk transfer (docs/PROTOCOL.md §17.5): writes each session's datagrams into a block
/// file, answers checkpoints with the holes it has, and once the block is whole checks the manifest against the sending
/// gateway's descriptor, checks each blob against its payload hash, commits it to the transit store (held for its sender
/// domain, one fresh capability per recipient, as custody does, §10.4) and signs one receipt for the session. Sessions
/// are bounded in number and in time: none outlives its manifest's deadline plus a light time, and one whose manifest
/// never arrives is dropped after <see cref="BulkReceiverOptions.IdleTimeout"/> of silence. Thread-safe.
/// </summary>
public sealed partial class BulkReceiver : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<BulkSessionId, IncomingSession> _sessions = [];
    private readonly List<Task> _commits = [];
    private readonly TransitStore _store;
    private readonly Func<IDomainKeys> _keys;
    private readonly IDescriptorResolver _descriptors;
    private readonly IBulkDatagramSink _sink;
    private readonly BulkReceiverOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _directory;
    private readonly SenderAllowList _senders;
    private readonly ITimer _sweep;
    private bool _disposed;

    /// <summary>A receiver committing to <paramref name="store"/>; block files live in <c>&lt;dataDirectory&gt;/bulk/</c> while their sessions run.</summary>
    public BulkReceiver(TransitStore store, Func<IDomainKeys> keys, IDescriptorResolver descriptors, IBulkDatagramSink sink, BulkReceiverOptions options, string dataDirectory, TimeProvider? timeProvider = null, ILogger<BulkReceiver>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(descriptors);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        options.Validate();
        _store = store;
        _keys = keys;
        _descriptors = descriptors;
        _sink = sink;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _senders = new SenderAllowList(options.Senders);
        _directory = Path.Combine(dataDirectory, "bulk");
        Directory.CreateDirectory(_directory);

        // Block files of an earlier process: their senders' sessions are cancelled by now or will be (§17.6).
        foreach (var stale in Directory.EnumerateFiles(_directory, "*.block"))
        {
            File.Delete(stale);
        }

        _sweep = _time.CreateTimer(_ => Sweep(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Called after each blob is committed, before the receipt is signed: the host schedules its notifications.</summary>
    public Action<SubmissionResult>? Committed { get; set; }

    /// <summary>Called (under the receiver's lock: keep it short) when a session's block is whole, before its commit starts.</summary>
    public Action<BulkSessionId>? BlockCompleted { get; set; }

    /// <summary>Datagrams dropped, sessions completed, refused, dropped.</summary>
    public BulkCounters Counters { get; } = new();

    /// <summary>Sessions held now.</summary>
    public int Sessions
    {
        get
        {
            lock (_gate)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>Stops taking datagrams, waits for commits under way, and deletes the block files.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] commits;
        lock (_gate)
        {
            _disposed = true;
            commits = [.. _commits];
        }

        await _sweep.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(commits).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_gate)
        {
            foreach (var session in _sessions.Values)
            {
                session.Dispose();
            }

            _sessions.Clear();
        }
    }

    /// <summary>Forgets sessions past their manifest's deadline plus a light time, and silent ones refused or whose manifest never came.</summary>
    private void Sweep()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
            List<IncomingSession>? over = null;
            foreach (var session in _sessions.Values)
            {
                // A refused session, or one whose manifest has not arrived, lasts while its sender keeps talking.
                var expired = session.Manifest is { } manifest && session.State != IncomingState.Refused
                    ? nowMs > manifest.DeadlineMs + manifest.OneWayLightTimeMs && session.State != IncomingState.Committing
                    : _time.GetElapsedTime(session.LastHeard, now) > _options.IdleTimeout;
                if (expired)
                {
                    (over ??= []).Add(session);
                }
            }

            foreach (var session in over ?? [])
            {
                if (session.State == IncomingState.Receiving)
                {
                    Counters.Cancel();
                    BulkLogMessages.Dropped(_logger, session.Id.ToString(), session.Manifest?.SenderGateway ?? "-", session.Manifest is null ? "silent before its manifest" : "past its deadline");
                }

                Forget(session);
            }
        }
    }

    private void Forget(IncomingSession session)
    {
        _sessions.Remove(session.Id);
        session.Dispose();
    }

    private void Send(IncomingSession session, int length) => _sink.Send(session.Answer.AsSpan(0, length), session.Peer);

    private static SocketAddress Copy(SocketAddress from)
    {
        var copy = new SocketAddress(from.Family, from.Size);
        from.Buffer.Span[..from.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }
}
