using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tern.Node;

namespace Tern.Admin;

/// <summary>Adds the operator's admin surface to a node composed with <see cref="TernServiceCollectionExtensions.AddTernNode"/>.</summary>
public static class AdminServiceCollectionExtensions
{
    /// <summary>The configuration section of <see cref="AdminOptions"/>.</summary>
    public const string Section = "Tern:Admin";

    /// <summary>
    /// Adds the admin stage (its own Kestrel listener, <c>Tern:Admin:Listen</c>, loopback by default) with its options
    /// validated at start. Call after <c>AddTernNode</c>.
    /// </summary>
    public static IServiceCollection AddTernAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddTernOptions<AdminOptions>(configuration, Section, options =>
        {
            options.Validate();
            if (options.Listen.Length > 0)
            {
                AdminEndpoint.Parse(options.Listen);
            }
        });
        services.AddTernStage<AdminStage>();
        return services;
    }
}
