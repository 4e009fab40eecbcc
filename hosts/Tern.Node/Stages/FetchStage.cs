using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.Transports.Fetch;

namespace Tern.Node.Stages;

/// <summary>
/// The fetch doors over the transit store (docs/PROTOCOL.md §8) on one Kestrel server this stage owns, a listener per
/// door attached with <see cref="TernFetchKestrelExtensions.ListenTernDoor"/>. The stage owns it rather than the host's
/// web host so that it starts after the stores open and stops in the stage order: after intake, pull and delivery, so
/// the doors serve while the send queue drains. The client API keeps a server of its own for the same reason: it stops
/// first. Stopping refuses new connections and lets fetches in flight finish for at most
/// <see cref="TernNodeOptions.DrainTimeout"/>; a fetch cut then resumes from its last good chunk against the restarted
/// node, and the saved coverage keeps what was already fetched (§9).
/// </summary>
internal sealed class FetchStage : IHostedService
{
    private readonly TernNode _node;
    private readonly IOptions<FetchServerOptions> _options;
    private readonly ILoggerFactory _loggers;
    private WebApplication? _app;

    public FetchStage(TernNode node, IOptions<FetchServerOptions> options, ILoggerFactory loggers)
    {
        _node = node;
        _options = options;
        _loggers = loggers;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        if (options.Listeners.Count == 0)
        {
            return;
        }

        var doors = new FetchDoors(_node.Store, options, _loggers);
        doors.UserKeys = _node.UserKeys;
        _node.Fetch = doors;
        await doors.StartAsync().ConfigureAwait(false);
        var kestrelDoors = options.Listeners.Where(l => l.Door != FetchDoor.Quic).ToList();
        if (kestrelDoors.Count > 0)
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.Services.AddLogging();
            builder.Services.AddSingleton(_loggers);
            builder.Services.AddSingleton<IHostLifetime, StageLifetime>();
            builder.WebHost.UseKestrelCore().UseTernFetchTransport(options).ConfigureKestrel(kestrel =>
            {
                doors.ConfigureKestrelLimits(kestrel);
                foreach (var listener in kestrelDoors)
                {
                    kestrel.ListenTernDoor(doors, listener);
                }
            });
            var app = builder.Build();
            // Every listener of this application is a door: the gateway's offer route goes before the blob door (§10.3).
            var node = _node;
            app.Use(next => context => CustodyOfferRoute.Matches(context, node) ? CustodyOfferRoute.HandleAsync(context, node) : next(context));
            app.UseTernHttpDoorRequests();
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await app.DisposeAsync().ConfigureAwait(false);
                throw BindRefused(kestrelDoors, e);
            }

            _app = app;
        }

        doors.ListenersStarted();
        foreach (var listener in options.Listeners.Where(l => l.Door == FetchDoor.Quic))
        {
            await doors.StartQuicAsync(listener, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Kestrel's refusal ("Failed to bind to address http://127.0.0.1:7401: address already in use") as the key of the door it names.</summary>
    private TernConfigurationException BindRefused(List<FetchListener> doors, IOException e)
    {
        var door = doors.FirstOrDefault(l => e.Message.Contains($":{l.EndPoint.Port}", StringComparison.Ordinal)) ?? doors[0];
        var (key, value) = door.Door == FetchDoor.Http
            ? (nameof(TernNodeOptions.HttpEndpoint), _node.Options.HttpEndpoint)
            : (nameof(TernNodeOptions.FramedEndpoint), _node.Options.FramedEndpoint);
        return new TernConfigurationException($"{TernSections.Node}:{key}", value, "cannot be bound (the address is in use); choose a free port", e);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_node.Fetch is not { } doors)
        {
            return;
        }

        if (_app is { } app)
        {
            _app = null;
            using (var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                drain.CancelAfter(_node.StopBudget.DrainLeft);
                await app.StopAsync(drain.Token).ConfigureAwait(false);
            }

            await app.DisposeAsync().ConfigureAwait(false);
        }

        await doors.DisposeAsync().ConfigureAwait(false);
    }
}
