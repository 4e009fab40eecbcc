using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tern.Node.Stages;

namespace Tern.Node;

/// <summary>Adds the stages of a node's surfaces (client API, admin) to the composition <see cref="TernServiceCollectionExtensions.AddTernNode"/> made.</summary>
public static class TernNodeStages
{
    /// <summary>
    /// Adds <typeparamref name="T"/> as a hosted service that starts after every stage of the node but before it reports
    /// itself ready (so <c>state/ports.json</c> names the surface's port), and stops before the node's intake closes.
    /// </summary>
    public static IServiceCollection AddTernStage<T>(this IServiceCollection services)
        where T : class, IHostedService
    {
        ArgumentNullException.ThrowIfNull(services);
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].ServiceType == typeof(IHostedService) && services[i].ImplementationType == typeof(NodeStage<ReadyStage>))
            {
                // Through NodeStages like the node's own stages: a failed start unwinds it with them.
                services.AddSingleton<T>();
                services.Insert(i, ServiceDescriptor.Singleton<IHostedService, NodeStage<T>>());
                return services;
            }
        }

        throw new InvalidOperationException("AddTernStage needs AddTernNode first.");
    }
}
