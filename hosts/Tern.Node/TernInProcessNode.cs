using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tern.Engine.Keys;

namespace Tern.Node;

/// <summary>
/// A node composed as <c>tern run</c> composes it, inside the calling process: for tests and benchmarks that drive a node
/// through its surfaces without a child process. The domain's keys are written to the data directory when absent, the
/// pending table takes <see cref="TernSmallFootprint"/>'s sizes, logs go out at warning and above, and the caller adds
/// its surfaces and substitutes (an admin or client API, static resolvers) to the services before the host is built.
/// </summary>
public static class TernInProcessNode
{
    /// <summary>
    /// Small transit-store logs (1 MiB pages, 4 MiB in memory, 16 MiB segments; the journal's a quarter of that and less):
    /// a node that holds a test's or a benchmark's few blobs without reserving the defaults' memory.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> SmallTransitSettings { get; } = new Dictionary<string, string?>
    {
        ["Tern:Transit:BlobPageSizeBits"] = "20",
        ["Tern:Transit:BlobMemorySizeBits"] = "22",
        ["Tern:Transit:BlobSegmentSizeBits"] = "24",
        ["Tern:Transit:JournalPageSizeBits"] = "19",
        ["Tern:Transit:JournalMemorySizeBits"] = "21",
        ["Tern:Transit:JournalSegmentSizeBits"] = "22",
    };

    /// <summary>
    /// Writes <paramref name="domain"/>'s keys into <paramref name="dataDirectory"/> (once), builds the host from
    /// <paramref name="settings"/> (over the small pending table's) with <paramref name="services"/> applied after
    /// <c>AddTernNode</c>, and starts it. A stage that refuses to start disposes the host and throws what it threw.
    /// </summary>
    public static async Task<IHost> StartAsync(string domain, string dataDirectory, IEnumerable<KeyValuePair<string, string?>> settings,
        Action<IServiceCollection, IConfiguration>? services = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var keys = TernDataDirectory.Keys(dataDirectory);
        if (!File.Exists(Path.Combine(keys, DomainKeySet.SecretFileName)))
        {
            using var generated = DomainKeySet.Generate(domain);
            generated.Save(keys);
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(TernSmallFootprint.PendingSettings);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTernNode(builder.Configuration);
        services?.Invoke(builder.Services, builder.Configuration);
        return await builder.Build().StartOrDisposeAsync().ConfigureAwait(false);
    }
}
