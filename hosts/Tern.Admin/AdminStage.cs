using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.Admin.Http;
using Tern.Admin.Routes;
using Tern.Admin.Status;
using Tern.Admin.Telemetry;
using Tern.Engine.Transit;
using Tern.Node;

namespace Tern.Admin;

/// <summary>
/// The admin surface's stage: serves the routes under <c>/admin/v1</c> on their own Kestrel listener
/// (<see cref="AdminOptions.Listen"/>). Refuses to start off loopback without TLS and an existing token; on loopback it
/// writes a token when the data directory has none. Starts after the node's stages, before the node reports ready (the
/// bound port goes to <c>state/ports.json</c>); stops before the node's intake closes.
/// </summary>
internal sealed class AdminStage : IHostedService, IAsyncDisposable
{
    private readonly TernNode _node;
    private readonly IOptions<AdminOptions> _options;
    private readonly IOptions<TransitStoreOptions> _transit;
    private readonly IConfiguration _configuration;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private WebApplication? _app;
    private NodeMetrics? _metrics;

    public AdminStage(TernNode node, IOptions<AdminOptions> options, IOptions<TransitStoreOptions> transit, IConfiguration configuration, ILoggerFactory loggers)
    {
        _node = node;
        _options = options;
        _transit = transit;
        _configuration = configuration;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Tern.Admin");
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        if (options.Listen.Length == 0)
        {
            return;
        }

        var endPoint = AdminEndpoint.Parse(options.Listen);
        var token = Token(options, endPoint);
        var context = new AdminContext(_node, options, _transit.Value, _configuration) { Started = ReloadRoutes.Snapshot(_configuration) };

        var certificate = options.Tls ? Path.Combine(_node.Options.DataDirectory, _node.Options.CertificateFile) : null;
        // Kestrel's default scheduling: the operator's routes read and write files and lie on no latency path.
        var builder = SurfaceHost.CreateBuilder(typeof(AdminStage), _loggers, endPoint, certificate, limits => limits.MaxRequestBodySize = 64 * 1024,
            inlineScheduling: false);
        builder.Services.AddSingleton(context);
        var metrics = new NodeMetrics(context, TimeProvider.System);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddAdminOpenApi();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi(AdminOpenApi.Path);
        var bearer = new AdminBearerFilter(token);
        MetricsRoutes.Map(app, bearer);
        StatusRoutes.Map(app, StatusPage.Load());
        var v1 = app.MapGroup("/admin/v1").AddEndpointFilter(bearer).ProducesProblem(StatusCodes.Status401Unauthorized);
        HealthRoutes.Map(v1);
        StatsRoutes.Map(v1);
        EconomicsRoutes.Map(v1);
        InspectionRoutes.Map(v1);
        ExpiringRoutes.Map(v1);
        BlockRoutes.Map(v1);
        PreferenceRoutes.Map(v1);
        ReloadRoutes.Map(v1);
        KeyRoutes.Map(v1);
        ContactRoutes.Map(v1);

        IPEndPoint bound;
        try
        {
            bound = await SurfaceHost.StartAsync(app, AdminEndpoint.Key, options.Listen, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            metrics.Dispose();
            throw;
        }

        _app = app;
        _metrics = metrics;
        _node.AdminEndPoint = bound;
        var text = bound.ToString();
        AdminLogMessages.Listening(_logger, text);
    }

    /// <summary>
    /// The token check. Off loopback the surface must not be reachable in plain text nor open without a token the operator
    /// made on purpose, so both refuse start; on loopback a missing token is written (0600) for <c>tern admin</c> to read.
    /// </summary>
    private AdminToken Token(AdminOptions options, IPEndPoint endPoint)
    {
        var dataDirectory = _node.Options.DataDirectory;
        if (!IPAddress.IsLoopback(endPoint.Address))
        {
            if (!options.Tls)
            {
                throw new TernConfigurationException(AdminEndpoint.Key, options.Listen,
                    $"is not a loopback address: the admin API off loopback needs {AdminServiceCollectionExtensions.Section}:{nameof(AdminOptions.Tls)} true (bearer tokens would cross in plain text)");
            }

            return AdminToken.For(AdminToken.Read(dataDirectory) ?? throw new TernConfigurationException(AdminEndpoint.Key, options.Listen,
                $"is not a loopback address: the admin API off loopback needs a token in {TernDataDirectory.AdminTokenFile(dataDirectory)} (`tern init` writes one)"));
        }

        if (AdminToken.Read(dataDirectory) is { } existing)
        {
            return AdminToken.For(existing);
        }

        var created = AdminToken.Ensure(dataDirectory);
        var file = TernDataDirectory.AdminTokenFile(dataDirectory);
        AdminLogMessages.TokenCreated(_logger, file);
        return AdminToken.For(created);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        await DisposeAsync().ConfigureAwait(false);
        AdminLogMessages.Stopped(_logger);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _metrics?.Dispose();
        _metrics = null;
    }
}
