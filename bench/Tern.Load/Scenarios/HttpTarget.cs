using System.Net;
using Tern.Load.Open;

namespace Tern.Load.Scenarios;

/// <summary>
/// HTTP/1.1 operations through one <see cref="HttpClient"/> whose handler keeps at most as many connections as the stream
/// has lanes, so each lane's request has a connection of its own. Each operation is built by <c>request</c> from its
/// sequence; an answer with another status than <c>expected</c> is an error of class <c>http-&lt;status&gt;</c>. The body
/// is read to its end (and counted), as a client would.
/// </summary>
internal sealed class HttpTarget : ILoadTarget
{
    private readonly HttpClient _client;
    private readonly Func<long, HttpRequestMessage> _request;
    private readonly HttpStatusCode[] _expected;
    private long _bodyBytes;

    public HttpTarget(HttpClient client, Func<long, HttpRequestMessage> request, params HttpStatusCode[] expected)
    {
        _client = client;
        _request = request;
        _expected = expected;
    }

    /// <summary>Response body bytes read so far.</summary>
    public long BodyBytes => Volatile.Read(ref _bodyBytes);

    public ValueTask<ILoadLane> OpenLaneAsync(int lane, CancellationToken cancellationToken) => ValueTask.FromResult<ILoadLane>(new Lane(this));

    private sealed class Lane(HttpTarget target) : ILoadLane
    {
        private readonly byte[] _buffer = new byte[64 * 1024];

        public async ValueTask<LoadOutcome> SendAsync(long sequence, CancellationToken cancellationToken)
        {
            using var message = target._request(sequence);
            using var response = await target._client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
            {
                int n;
                while ((n = await body.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    Interlocked.Add(ref target._bodyBytes, n);
                }
            }

            return Array.IndexOf(target._expected, response.StatusCode) >= 0 ? LoadOutcome.Ok : LoadOutcome.Http((int)response.StatusCode);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
