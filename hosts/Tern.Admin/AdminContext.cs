using Microsoft.Extensions.Configuration;
using Tern.Engine.Transit;
using Tern.Node;

namespace Tern.Admin;

/// <summary>What the admin routes read and steer: the running node, its options and the configuration to reload.</summary>
internal sealed class AdminContext
{
    public AdminContext(TernNode node, AdminOptions options, TransitStoreOptions transit, IConfiguration configuration)
    {
        Node = node;
        Options = options;
        Transit = transit;
        Configuration = configuration;
    }

    public TernNode Node { get; }

    public AdminOptions Options { get; }

    public TransitStoreOptions Transit { get; }

    public IConfiguration Configuration { get; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The <c>Tern:*</c> values the node runs with, for the reload to tell what changed.</summary>
    public Dictionary<string, string?> Started { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
