using System.Net;
using System.Text;
using Tern.Engine.Protocol;
using Tern.Load.Open;

namespace Tern.Load.Scenarios;

/// <summary>
/// A bulk sender's campaign through the client API: operation <c>n</c> submits the same blob to <c>recipients</c> new
/// recipient hashes at b.example (<c>POST /v1/messages?to=…</c>, the transit store's most recipients a submission may
/// name), drawn from a generator seeded by the run's seed and <c>n</c>. Nothing is kept per recipient, so a campaign of a
/// million references holds no more memory than one submission's query.
/// </summary>
internal sealed class CampaignTarget : ILoadTarget
{
    private readonly HttpClient _client;
    private readonly byte[] _blob;
    private readonly int _recipients;
    private readonly int _seed;
    private long _references;

    public CampaignTarget(HttpClient client, byte[] blob, int recipients, int seed)
    {
        _client = client;
        _blob = blob;
        _recipients = recipients;
        _seed = seed;
    }

    /// <summary>References (deliveries) the node acknowledged.</summary>
    public long References => Volatile.Read(ref _references);

    public ValueTask<ILoadLane> OpenLaneAsync(int lane, CancellationToken cancellationToken) => ValueTask.FromResult<ILoadLane>(new Lane(this));

    private sealed class Lane(CampaignTarget target) : ILoadLane
    {
        private readonly StringBuilder _path = new();
        private readonly byte[] _hash = new byte[32];

        public async ValueTask<LoadOutcome> SendAsync(long sequence, CancellationToken cancellationToken)
        {
            // Not HashCode.Combine: its seed differs per process, and a campaign must name the same recipients in every run.
            var random = new Random(unchecked((target._seed * 1_000_003) + (int)sequence));
            _path.Clear().Append("/v1/messages?");
            for (var i = 0; i < target._recipients; i++)
            {
                random.NextBytes(_hash);
                _path.Append(i == 0 ? "to=" : "&to=").Append(new RecipientHash(_hash).ToString()).Append("@b.example");
            }

            using var content = new ByteArrayContent(target._blob);
            using var response = await target._client.PostAsync(_path.ToString(), content, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return LoadOutcome.Http((int)response.StatusCode);
            }

            Interlocked.Add(ref target._references, target._recipients);
            return LoadOutcome.Ok;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
