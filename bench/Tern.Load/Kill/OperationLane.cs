using Tern.Load.Open;

namespace Tern.Load.Kill;

/// <summary>
/// A lane whose operation is a client's step (<paramref name="operation"/>, given the sequence): success when it returns,
/// an answer with an unexpected status its <c>http-&lt;status&gt;</c> class, anything else classified by the stream.
/// </summary>
internal sealed class OperationLane(Func<long, CancellationToken, Task> operation) : ILoadLane
{
    public async ValueTask<LoadOutcome> SendAsync(long sequence, CancellationToken cancellationToken)
    {
        try
        {
            await operation(sequence, cancellationToken).ConfigureAwait(false);
            return LoadOutcome.Ok;
        }
        catch (HttpRequestException e) when (e.StatusCode is { } status)
        {
            return LoadOutcome.Http((int)status);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
