using Microsoft.Extensions.Hosting;

namespace Tern.Transports.Fetch;

/// <summary>
/// The lifetime of the Kestrel servers <see cref="FetchServer"/> runs inside a host: they start and stop when the
/// fetch server does, never on a signal of their own (the default console lifetime would catch SIGTERM a second time
/// and stop the doors behind the host's back, out of its stop order).
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
