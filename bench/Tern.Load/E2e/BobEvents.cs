using System.Net.Http.Headers;
using System.Text;

namespace Tern.Load.E2e;

/// <summary>
/// bob's client listening on b.example's event stream (<c>GET /v1/events/stream</c>, docs/C2S.md §9), as a client that
/// is told rather than polling: server-sent events read line by line (id, event, data; a blank line ends an event;
/// comment lines skipped), and the stored id of each <c>pulled</c> event handed out in order.
/// </summary>
internal sealed class BobEvents : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly PulledEventLines _events = new();

    private BobEvents(HttpResponseMessage response, Stream stream)
    {
        _response = response;
        _reader = new StreamReader(stream, Encoding.UTF8);
    }

    /// <summary>Opens the stream from the start of bob's log (every event after it is new).</summary>
    public static async Task<BobEvents> OpenAsync(HttpClient bob)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events/stream");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await bob.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new InvalidOperationException($"e2e-nodes: bob's event stream answered {(int)response.StatusCode}");
        }

        return new BobEvents(response, await response.Content.ReadAsStreamAsync().ConfigureAwait(false));
    }

    /// <summary>The stored message id of the next <c>pulled</c> event (other events are skipped).</summary>
    public async Task<string> NextPulledAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (await _reader.ReadLineAsync(cancel.Token).ConfigureAwait(false) is { } line)
        {
            if (_events.Take(line) is { } id)
            {
                return id;
            }
        }

        throw new InvalidOperationException("e2e-nodes: bob's event stream ended");
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
