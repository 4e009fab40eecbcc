using Tern.Load.Open;

namespace Tern.Load.Kill;

/// <summary>
/// carol's client on b.example, whose references wait for her (pull when requested, the default): each operation polls
/// her hash from where the last poll ended (<c>GET /v1/references?hash=…&amp;after=cursor</c>, as a client keeps its
/// cursor), notes each reference listed for the first time, and asks b.example to pull a seeded share of them. One lane,
/// so the cursor is the client's one.
/// </summary>
internal sealed class CarolTarget(HttpClient carol, KillLedger ledger, KillLoadOptions options, string hash) : ILoadTarget
{
    private readonly Random _choice = new(options.Seed + 2);
    private string _cursor = "0";

    /// <summary>carol's recipient hash.</summary>
    public string Hash => hash;

    /// <summary>Where carol's polls have got to: a reference filed with a sequence at or below it is one she will not see by polling on.</summary>
    public string Cursor => Volatile.Read(ref _cursor);

    public ValueTask<ILoadLane> OpenLaneAsync(int lane, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ILoadLane>(new OperationLane((_, token) => PollOnceAsync(options.PullFraction, token)));

    /// <summary>One poll from the cursor, its new references noted and a share of them asked for.</summary>
    public async Task PollOnceAsync(double pullFraction, CancellationToken cancellationToken)
    {
        var (references, next) = await ClientReads.PollAsync(carol, hash, Cursor, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _cursor, next);
        // Every reference is noted before any request, so one cut by a kill leaves none listed and unnoted.
        var chosen = references.Where(r => ledger.CarolSaw(r.Capability) && _choice.NextDouble() < pullFraction).ToList();
        foreach (var reference in chosen)
        {
            ledger.CountPullAnswer("http-" + ((int)await ClientReads.RequestPullAsync(carol, reference.Capability, cancellationToken).ConfigureAwait(false)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
