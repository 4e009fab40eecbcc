using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tern.ClientApi.Polling;
using Tern.Node;

namespace Tern.ClientApi;

/// <summary>Adds the client API to a node composed with <see cref="TernServiceCollectionExtensions.AddTernNode"/>.</summary>
public static class ClientApiServiceCollectionExtensions
{
    /// <summary>The configuration section of <see cref="ClientApiOptions"/>.</summary>
    public const string Section = "Tern:ClientApi";

    /// <summary>
    /// Adds the client API's stage (its own Kestrel listener, <c>Tern:ClientApi:Listen</c>), its options validated at
    /// start, and the ingest hook that wakes its long polls. Call after <c>AddTernNode</c>.
    /// </summary>
    public static IServiceCollection AddTernClientApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddTernOptions<ClientApiOptions>(configuration, Section, options =>
        {
            options.Validate();
            if (options.Listen.Length > 0)
            {
                var endPoint = ClientApiEndpoint.Parse(options.Listen);
                if (!options.Tls && !System.Net.IPAddress.IsLoopback(endPoint.Address))
                {
                    throw new ArgumentException($"ClientApiOptions.Listen is {options.Listen}: a listener off loopback must set Tls (bearer tokens would cross in plain text).");
                }
            }
        });
        services.AddSingleton<ReferenceSignals>();
        services.AddSingleton<Events.EventHooks>();

        // The long polls' wake-up and the event log's hook wrap the ingest's sink, around whatever wrapper was configured before.
        services.AddOptions<TernNodeDecorators>().Configure<ReferenceSignals, Events.EventHooks>((decorators, signals, hooks) =>
        {
            var inner = decorators.Sink;
            decorators.Sink = sink =>
            {
                // The table's sink tells each new reference once (received), however many ingest loops share it.
                sink.Filed = hooks.Filed;
                return new Events.EventingSink(new SignallingSink(inner is null ? sink : inner(sink), signals), hooks);
            };
        });
        services.AddTernStage<ClientApiStage>();
        return services;
    }
}
