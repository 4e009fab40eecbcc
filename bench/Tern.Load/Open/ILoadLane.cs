namespace Tern.Load.Open;

/// <summary>
/// One connection of a stream, one operation at a time (as one connection of wrk2). A lane that lost its connection
/// reconnects on its next operation; an operation that fails returns or throws its error, which the stream classifies.
/// </summary>
internal interface ILoadLane : IAsyncDisposable
{
    /// <summary>Performs operation <paramref name="sequence"/> (0, 1, 2… in due order across the stream's lanes) and returns when it is answered.</summary>
    ValueTask<LoadOutcome> SendAsync(long sequence, CancellationToken cancellationToken);
}
