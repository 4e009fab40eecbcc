using Microsoft.Extensions.Hosting;

namespace Tern.Node.Stages;

/// <summary>
/// One stage as the host sees it: started and stopped through <see cref="NodeStages"/>, which records the order and
/// unwinds on a failed start. Generic over the stage so the host registers each as its own hosted service.
/// </summary>
internal sealed class NodeStage<TStage> : IHostedService
    where TStage : IHostedService
{
    private static readonly string Name = typeof(TStage).Name.Replace("Stage", "", StringComparison.Ordinal);
    private readonly TStage _stage;
    private readonly NodeStages _stages;

    public NodeStage(TStage stage, NodeStages stages)
    {
        _stage = stage;
        _stages = stages;
    }

    public Task StartAsync(CancellationToken cancellationToken) => _stages.StartAsync(Name, _stage, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _stages.StopAsync(Name, _stage, cancellationToken);
}
