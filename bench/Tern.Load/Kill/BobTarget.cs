using Tern.Load.Open;

namespace Tern.Load.Kill;

/// <summary>
/// bob's client on b.example, who has b.example pull a.example's messages at once: each operation lists his stored
/// messages from where the last listing ended (<c>GET /v1/stored?after=cursor</c>, as a client keeps its cursor) and
/// reads back up to <see cref="ReadsPerOperation"/> of those not yet read, each checked byte for byte
/// (<see cref="ClientReads.VerifyStoredAsync"/>). One lane, so the cursor is the client's one.
/// </summary>
internal sealed class BobTarget(HttpClient bob, KillLedger ledger, KillLoadOptions options) : ILoadTarget
{
    private const int ReadsPerOperation = 4;

    private readonly Queue<ClientReads.StoredEntry> _unread = new();
    private readonly HashSet<string> _listed = new(StringComparer.Ordinal);
    private string _cursor = "0";

    /// <summary>The stored messages bob's listings from his cursor have shown.</summary>
    public IReadOnlySet<string> Listed => _listed;

    public ValueTask<ILoadLane> OpenLaneAsync(int lane, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ILoadLane>(new OperationLane((_, token) => ReadOnceAsync(ReadsPerOperation, token)));

    /// <summary>After the load: lists on from the cursor and reads back everything listed and not yet read.</summary>
    public Task ReadAllAsync(CancellationToken cancellationToken) => ReadOnceAsync(int.MaxValue, cancellationToken);

    private async Task ReadOnceAsync(int reads, CancellationToken cancellationToken)
    {
        var (messages, next) = await ClientReads.ListStoredAsync(bob, _cursor, cancellationToken).ConfigureAwait(false);
        _cursor = next;
        foreach (var message in messages)
        {
            if (_listed.Add(message.Id))
            {
                _unread.Enqueue(message);
            }
        }

        for (var i = 0; i < reads && _unread.TryPeek(out var message); i++)
        {
            if (!ledger.IsVerified(message.Id))
            {
                await ClientReads.VerifyStoredAsync(bob, message, ledger, options.Seed, cancellationToken).ConfigureAwait(false);
            }

            _unread.Dequeue();
        }
    }
}
