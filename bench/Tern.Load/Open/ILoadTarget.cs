namespace Tern.Load.Open;

/// <summary>What a stream sends to: it opens the stream's lanes before the clock starts.</summary>
internal interface ILoadTarget
{
    /// <summary>Opens lane <paramref name="lane"/>: a connection or socket that carries one operation at a time.</summary>
    ValueTask<ILoadLane> OpenLaneAsync(int lane, CancellationToken cancellationToken);
}
