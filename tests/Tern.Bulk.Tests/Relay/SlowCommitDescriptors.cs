using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;
using Tern.LinkEmulator;

namespace Tern.Bulk.Tests.Relay;

/// <summary>
/// The receiving gateway's descriptor look-ups, each answered <paramref name="delay"/> of the clock late while the clock
/// is before <paramref name="until"/> (from its start): a commit starts with one, so its receipt leaves that much later.
/// </summary>
internal sealed class SlowCommitDescriptors(IDescriptorResolver inner, ScaledTimeProvider clock, TimeSpan delay, TimeSpan until) : IDescriptorResolver
{
    public async ValueTask<DomainDescriptor?> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        if (clock.GetUtcNow() - clock.Start < until)
        {
            await Task.Delay(delay, clock, cancellationToken);
        }

        return await inner.ResolveAsync(domain, cancellationToken);
    }
}
