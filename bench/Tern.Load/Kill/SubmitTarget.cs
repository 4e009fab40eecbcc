using System.Net;
using System.Text.Json;
using Tern.Load.Open;

namespace Tern.Load.Kill;

/// <summary>
/// alice's submits on a.example's client API (<c>POST /v1/messages?to=hash@b.example</c>): even sequences to bob's hash,
/// odd ones to carol's, each body made by <see cref="KillBody"/>. A 201 is an acknowledgement the run holds the nodes to
/// (<see cref="KillLedger.Acknowledge"/>); a refused connection or a cut answer while a node is down is an error of its
/// class, and nothing was promised.
/// </summary>
internal sealed class SubmitTarget(HttpClient alice, KillLedger ledger, KillLoadOptions options, string bobHash, string carolHash) : ILoadTarget
{
    public ValueTask<ILoadLane> OpenLaneAsync(int lane, CancellationToken cancellationToken) => ValueTask.FromResult<ILoadLane>(new OperationLane(SubmitAsync));

    private async Task SubmitAsync(long sequence, CancellationToken cancellationToken)
    {
        var recipient = sequence % 2 == 0 ? "bob" : "carol";
        var hash = sequence % 2 == 0 ? bobHash : carolHash;
        var size = options.SizeOf(sequence);
        using var content = new ByteArrayContent(KillBody.Of(options.Seed, sequence, size));
        using var response = await alice.PostAsync(new Uri($"/v1/messages?to={hash}@b.example", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new HttpRequestException($"POST /v1/messages answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        var root = json.RootElement;
        ledger.Acknowledge(new Acknowledged(sequence, root.GetProperty("messageId").GetString()!, root.GetProperty("payloadHash").GetString()!, recipient, size, ledger.NowMs));
    }
}
