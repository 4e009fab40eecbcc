using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Pull;

/// <summary>A fixed table of descriptors, for tests and closed set-ups (the demo's two loopback domains).</summary>
public sealed class StaticDescriptorResolver : IDescriptorResolver
{
    private readonly Dictionary<string, DomainDescriptor> _descriptors = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a resolver knowing <paramref name="descriptors"/>.</summary>
    public StaticDescriptorResolver(params DomainDescriptor[] descriptors)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        foreach (var descriptor in descriptors)
        {
            _descriptors[descriptor.Domain] = descriptor;
        }
    }

    /// <inheritdoc />
    public ValueTask<DomainDescriptor?> ResolveAsync(string domain, CancellationToken cancellationToken)
        => ValueTask.FromResult(_descriptors.TryGetValue(domain, out var descriptor) ? descriptor : null);
}
