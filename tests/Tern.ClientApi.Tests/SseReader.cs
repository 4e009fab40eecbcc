using System.Text;

namespace Tern.ClientApi.Tests;

/// <summary>A server-sent events reader written from the WHATWG rules (id, event, data lines; a blank line ends an event; ':' lines are comments).</summary>
public sealed class SseReader : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseReader(HttpResponseMessage response, Stream stream)
    {
        _response = response;
        _reader = new StreamReader(stream, Encoding.UTF8);
    }

    /// <summary>Comment lines seen (heartbeats).</summary>
    public int Comments { get; private set; }

    public static async Task<SseReader> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            // Read only on failure: the body of a stream that works never ends.
            Assert.Fail($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseReader(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event, or null when the stream ended.</summary>
    public async Task<(string Id, string Type, string Data)?> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        string id = "", type = "message";
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    return (id, type, data.ToString());
                }

                continue;
            }

            if (line[0] == ':')
            {
                Comments++;
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id":
                    id = value;
                    break;
                case "event":
                    type = value;
                    break;
                case "data":
                    data.Append(value);
                    break;
            }
        }

        return null;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
