using Microsoft.Extensions.Hosting;

namespace Tern.Node.Stages;

/// <summary>
/// The lifetime of a Kestrel server a stage owns: it starts and stops with the stage, never on a signal of its own (the
/// default console lifetime would catch SIGTERM a second time and stop it behind the node's back, out of the stage order).
/// </summary>
internal sealed class StageLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
