using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.ClientApi.Auth;
using Tern.ClientApi.Events;
using Tern.ClientApi.Http;
using Tern.ClientApi.Keys;
using Tern.ClientApi.Reservations;
using Tern.ClientApi.Labels;
using Tern.ClientApi.Policy;
using Tern.ClientApi.Polling;
using Tern.ClientApi.Routes;
using Tern.ClientApi.Submissions;
using Tern.ClientApi.Users;
using Tern.Engine.Pull;
using Tern.Engine.Transit;
using Tern.Node;
using Tern.Node.Surfaces;

namespace Tern.ClientApi;

/// <summary>
/// The client API's stage of the node: opens the users file and the submission log, then serves the routes on their own
/// Kestrel listener (<see cref="ClientApiOptions.Listen"/>). Starts after the node's other stages, before the node reports
/// ready (the bound port goes to <c>state/ports.json</c>); stops first: long polls are answered, requests in flight finish.
/// </summary>
internal sealed class ClientApiStage : IHostedService, IAsyncDisposable
{
    private readonly TernNode _node;
    private readonly IOptions<ClientApiOptions> _options;
    private readonly IOptions<TransitStoreOptions> _transit;
    private readonly ReferenceSignals _signals;
    private readonly EventHooks _hooks;
    private readonly ILoggerFactory _loggers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private WebApplication? _app;
    private SubmissionLog? _submissions;
    private EventLog? _events;
    private LabelIndex? _labels;

    private readonly IDescriptorResolver _descriptors;
    private KeyDirectory? _directory;
    private Task _sweeper = Task.CompletedTask;
    private Task _compactor = Task.CompletedTask;

    public ClientApiStage(TernNode node, IOptions<ClientApiOptions> options, IOptions<TransitStoreOptions> transit, ReferenceSignals signals, EventHooks hooks, ILoggerFactory loggers,
        IDescriptorResolver descriptors)
    {
        _descriptors = descriptors;
        _hooks = hooks;
        _node = node;
        _options = options;
        _transit = transit;
        _signals = signals;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Tern.ClientApi");
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        if (options.Listen.Length == 0)
        {
            return;
        }

        var dataDirectory = _node.Options.DataDirectory;
        var users = new UserDirectory(Path.Combine(dataDirectory, options.UsersFile), _node.Preferences, options.MaxHashesPerUser, options.MaxDomainsPerUser);
        _submissions = new SubmissionLog(Path.Combine(dataDirectory, "clientapi"));
        var transit = _transit.Value;
        var maxTransit = new[] { options.MaxTransit, transit.MaxTransit, transit.AccountMaxExpiry }.Min();
        var logger = _logger;
        var state = Path.Combine(dataDirectory, "clientapi");
        _events = new EventLog(state, options.DurableEvents, deferredFlushDelay: options.DeferredEventFlushDelay);
        var labels = _labels = new LabelIndex(Path.Combine(state, "labels"), _node.Messages, users);
        var reservations = new ReservationStore(Path.Combine(state, "reservations"), TimeProvider.System);
        _directory = new KeyDirectory(_node, _descriptors, options.DirectoryCacheTime, TimeProvider.System);
        var auth = new Authenticator(new DeviceStore(state), new SessionTable(), new AuthRateLimiter(options.AuthRequestsPerMinute, options.AuthFailuresPerHour), users, options);
        var policies = new PolicyStore(Path.Combine(state, "policy"), users, _node.Preferences);
        _hooks.Attach(_events, users, labels, policies);
        RestoreRecorded(_node.Messages, _node.PullJournal, _events);
        _node.Messages.Committed = _hooks.Stored;
        _node.Messages.BeforeCheckpoint = _events.FlushedAsync;
        _node.Pending.Removed = _hooks.Removed;
        _node.Store.Transitioned += _hooks.DeliveryChanged; // a gateway's contact plan counts fetched bytes on the same hook

        // Once the lines put back are flushed, the journal may drop them (after the hooks are set: a pull may commit meanwhile).
        if (_node.PullJournal is { RecoveredAnnotations.Count: > 0 } journal)
        {
            await _events.FlushedAsync().ConfigureAwait(false);
            journal.ReleaseRecovered();
        }

        var context = new ClientApiContext(_node, users, _submissions, _signals, options, maxTransit, logger, _stopping.Token)
        {
            Events = _events,
            Labels = labels,
            Reservations = reservations,
            Directory = _directory,
            Auth = auth,
            Policies = policies,
        };
        _sweeper = SweepAsync(reservations, users, _events, logger, _stopping.Token);
        _compactor = EventLogCompactor.RunAsync(_events, options, TimeProvider.System, logger, _stopping.Token);

        var certificate = options.Tls ? Path.Combine(dataDirectory, _node.Options.CertificateFile) : null;
        var builder = SurfaceHost.CreateBuilder(typeof(ClientApiStage), _loggers, ClientApiEndpoint.Parse(options.Listen), certificate, limits =>
        {
            // Submit bodies have no size limit here: the submit route enforces MaxMessageBytes as it streams.
            limits.MaxRequestBodySize = null;

            // Room for MaxRecipients recipients in the query (each about 60 characters).
            limits.MaxRequestLineSize = Math.Max(8192, (options.MaxRecipients * 72) + 1024);
        }, options.InlineScheduling);
        builder.Services.AddSingleton(context);
        builder.Services.AddClientApiOpenApi();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (options.InlineScheduling)
        {
            app.UseSocketThreadGuard(_loggers);
        }

        app.MapOpenApi(ClientApiOpenApi.Path);
        var open = app.MapGroup("/v1");
        Capabilities.MapOpen(open);
        AuthRoutes.MapOpen(open);
        var v1 = app.MapGroup("/v1").AddEndpointFilter(new BearerFilter(auth)).ProducesProblem(StatusCodes.Status401Unauthorized);
        SubmitRoute.Map(v1, options.SubmitInlineWhenIdleMaxBytes);
        BatchRoute.Map(v1);
        MessageRoutes.Map(v1);
        ReferenceRoutes.Map(v1);
        StoredRoutes.Map(v1);
        SettingsRoutes.Map(v1);
        ReservationRoutes.Map(v1);
        KeyRoutes.Map(v1);
        EventRoutes.Map(v1);
        LabelRoutes.Map(v1);
        DeviceRoutes.Map(v1);
        PolicyRoutes.Map(v1);
        ActionRoutes.Map(v1);

        var bound = await SurfaceHost.StartAsync(app, ClientApiEndpoint.Key, options.Listen, cancellationToken).ConfigureAwait(false);
        _app = app;
        _node.ClientApiEndPoint = bound;
        var count = users.List().Count;
        var text = bound.ToString();
        ClientApiLogMessages.Listening(logger, text, count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        await DisposeAsync().ConfigureAwait(false);
        ClientApiLogMessages.Stopped(_logger);
    }

    /// <summary>
    /// Puts back the <c>pulled</c> events of commits and the <c>received</c> events of pulls whose lines the event log lost
    /// to a crash (the commit records and the pull journal's begun records kept them, docs/ARCHITECTURE.md §5.2, §5.6),
    /// each user's in sequence order, before anything else is appended and before the routes serve; the store then drops
    /// those records at its next checkpoint, once the log has flushed what was put back, and the journal once the stage
    /// has waited for that flush.
    /// </summary>
    private static void RestoreRecorded(MessageStore messages, PullJournal? journal, EventLog events)
    {
        var lines = new List<ReadOnlyMemory<byte>>();
        foreach (var commit in messages.RecoveredCommits)
        {
            lines.Add(commit.Annotation);
        }

        if (journal is not null)
        {
            lines.AddRange(journal.RecoveredAnnotations);
        }

        events.RestoreRecorded(lines);
        messages.ReleaseRecovered();
    }

    /// <summary>
    /// Every minute until the stage stops: removes lapsed reservations (docs/C2S.md §6), and hash registrations past their
    /// expiry (§10), each told to its user as <c>hashes_changed</c> (the routes and the ingest already treat them as gone).
    /// </summary>
    private static async Task SweepAsync(ReservationStore reservations, UserDirectory users, EventLog events, ILogger logger, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                reservations.Sweep();
                try
                {
                    foreach (var (user, hash) in users.RemoveExpiredHashes())
                    {
                        events.Append(user, UserEvents.HashChanged(hash.ToString(), registered: false));
                    }

                    // Settings files whose write failed (here or in a request, on a full disk): the next tick tries again.
                    users.WriteUnwritten();
                }
                catch (IOException e)
                {
                    ClientApiLogMessages.HashSweepFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await _sweeper.ConfigureAwait(false);
        await _compactor.ConfigureAwait(false);
        _directory?.Dispose();
        _directory = null;
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _hooks.Detach();

        // What was stored and deleted since the files were last written, so the next start has nothing to reconcile.
        try
        {
            _labels?.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ClientApiLogMessages.LabelFlushFailed(_logger, e);
        }

        _labels = null;
        if (_events is { } events)
        {
            _events = null;
            await events.DisposeAsync().ConfigureAwait(false);
        }

        if (_submissions is { } submissions)
        {
            _submissions = null;
            await submissions.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}
