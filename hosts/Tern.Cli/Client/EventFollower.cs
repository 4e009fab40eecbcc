using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Tern.Cli.Client;

/// <summary>
/// Reads the user's event log (docs/C2S.md §9, §15): pages of <c>GET /v1/events</c> after a cursor, and the SSE stream of
/// <c>GET /v1/events/stream</c> resumed with <c>Last-Event-ID</c> after a cut, a dropped connection or a restart of the
/// node (backing off 1 s to 30 s between attempts), so that no event is missed or shown twice.
/// </summary>
internal sealed class EventFollower(TernApi api, Action<string> onEvent)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>The sequence of the last event handed on (the cursor to resume from).</summary>
    public ulong Cursor { get; private set; }

    /// <summary>Hands on every event after <paramref name="after"/> committed now, page by page.</summary>
    public async Task CatchUpAsync(ulong after, CancellationToken cancellationToken)
    {
        Cursor = after;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/events?after={Cursor.ToString(CultureInfo.InvariantCulture)}&limit=1000");
            using var response = await api.SendRawAsync(request, cancellationToken).ConfigureAwait(false);
            await RefusedAsync(response, cancellationToken).ConfigureAwait(false);
            using var page = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var e in page.RootElement.GetProperty("events").EnumerateArray())
            {
                Hand(e.GetRawText(), ulong.Parse(e.GetProperty("sequence").GetString()!, CultureInfo.InvariantCulture));
            }

            if (!page.RootElement.GetProperty("more").GetBoolean())
            {
                return;
            }
        }
    }

    /// <summary>Follows the stream from <see cref="Cursor"/> until <paramref name="cancellationToken"/> (or <paramref name="stop"/> says so).</summary>
    public async Task FollowAsync(Func<bool> stop, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stop())
        {
            try
            {
                if (await StreamOnceAsync(stop, cancellationToken).ConfigureAwait(false))
                {
                    // Cut for lagging: catch up by pages, then open the stream again from there.
                    await CatchUpAsync(Cursor, cancellationToken).ConfigureAwait(false);
                }

                backoff = TimeSpan.FromSeconds(1);
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // The connection dropped or the node is restarting: resume from the last event seen.
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>One connection of the stream; true when the node cut it for lagging (the caller catches up).</summary>
    private async Task<bool> StreamOnceAsync(Func<bool> stop, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/events/stream");
        request.Headers.Add("Last-Event-ID", Cursor.ToString(CultureInfo.InvariantCulture));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await api.SendRawAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new HttpRequestException("too many event streams open; retrying");
        }

        await RefusedAsync(response, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        string? id = null, type = null, data = null;
        while (!stop())
        {
            var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                throw new IOException("the event stream ended");
            }

            if (line.Length == 0)
            {
                if (type == "cut" && data is not null)
                {
                    using var cut = JsonDocument.Parse(data);
                    var next = ulong.Parse(cut.RootElement.GetProperty("next").GetString()!, CultureInfo.InvariantCulture);
                    if (cut.RootElement.GetProperty("reason").GetString() == "expired")
                    {
                        throw new CursorExpiredException(next, "the node compacted away events this stream had not sent");
                    }

                    return true;
                }

                if (data is not null && id is not null)
                {
                    Hand(data, ulong.Parse(id, CultureInfo.InvariantCulture));
                }

                (id, type, data) = (null, null, null);
                continue;
            }

            if (line[0] == ':')
            {
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
                    data = data is null ? value : data + "\n" + value;
                    break;
            }
        }

        return false;
    }

    private void Hand(string json, ulong sequence)
    {
        // A resumed stream starts after the cursor; a sequence at or before it was already handed on.
        if (sequence <= Cursor)
        {
            return;
        }

        Cursor = sequence;
        onEvent(json);
    }

    private static async Task RefusedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.Gone)
        {
            using var problem = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
            var root = problem.RootElement;
            var oldest = root.TryGetProperty("limit", out var limit) && ulong.TryParse(limit.ValueKind == JsonValueKind.String ? limit.GetString() : limit.GetRawText(), CultureInfo.InvariantCulture, out var at) ? at : 0;
            throw new CursorExpiredException(oldest, root.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "cursor expired");
        }

        await TernApi.ThrowIfRefusedAsync(response, cancellationToken).ConfigureAwait(false);
    }
}
