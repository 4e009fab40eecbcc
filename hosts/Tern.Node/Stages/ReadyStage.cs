using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tern.Node.Stages;

/// <summary>
/// Runs once every other stage has started: writes the bound ports to <c>state/ports.json</c> (what a supervisor or a
/// test reads when the configuration asked for port 0) and logs that the node is up.
/// </summary>
internal sealed class ReadyStage : IHostedService
{
    private readonly TernNode _node;
    private readonly ILogger _logger;

    public ReadyStage(TernNode node, ILoggerFactory loggers)
    {
        _node = node;
        _logger = loggers.CreateLogger("Tern.Node");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var ports = new NodePorts
        {
            Domain = _node.Domain,
            ProcessId = Environment.ProcessId,
            Notify = _node.NotifyEndPoint.ToString(),
            MoreNotify = [.. _node.Listeners.Skip(1).Select(l => l.LocalEndpoint.ToString())],
            Framed = _node.FramedEndPoint?.ToString(),
            Http = _node.HttpEndPoint?.ToString(),
            Bulk = _node.BulkEndPoint?.ToString(),
            ClientApi = _node.ClientApiEndPoint?.ToString(),
            Admin = _node.AdminEndPoint?.ToString(),
        };

        // Written whole through a temporary, so a reader never sees half a file.
        var path = TernDataDirectory.PortsFile(_node.Options.DataDirectory);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(ports, NodePortsJson.Default.NodePorts));
        File.Move(temporary, path, overwrite: true);
        NodeLogMessages.Ready(_logger, ports.Domain, ports.Notify, ports.Framed ?? "-", ports.Http ?? "-");
        _node.MarkReady();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _node.StopBudget.Begin();
        NodeLogMessages.Stopping(_logger, _node.Domain);
        File.Delete(TernDataDirectory.PortsFile(_node.Options.DataDirectory));
        return Task.CompletedTask;
    }
}
