using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Tern.Cli.Client;

/// <summary>
/// The client API (docs/CLIENT-API.md) as the commands call it: a bearer token on every request, and every refusal
/// turned into a <see cref="CliException"/> carrying the problem's detail and field and the exit code it maps to.
/// </summary>
internal sealed class TernApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly DeviceSessions? _sessions;

    public TernApi(Uri server, string token)
    {
        // Sends and fetches of any size stream; the time a request may take is bounded by the node, not here.
        _http = new HttpClient(new SessionHandler(this) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>A client of an enrolled device: every request carries a session token from <paramref name="sessions"/> (docs/C2S.md §5).</summary>
    public TernApi(Uri server, DeviceSessions sessions)
        : this(server, "")
    {
        _sessions = sessions;
    }

    public Uri Server => _http.BaseAddress!;

    public async Task<JsonDocument> SendJsonAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken,
        string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A request whose answer has no body to show (201, 204).</summary>
    public async Task SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many bytes of a reservation's blob the node holds (docs/C2S.md §6: HEAD answers <c>Upload-Offset</c>).</summary>
    public async Task<long> UploadedAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, path);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return response.Headers.TryGetValues("Upload-Offset", out var values) && long.TryParse(values.First(), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var offset) ? offset : 0;
    }

    public Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Get, path, null, cancellationToken);

    /// <summary>Sends <paramref name="request"/> and returns the answer whatever its status, headers read (the caller reads and disposes it).</summary>
    public Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>Throws the <see cref="CliException"/> a refusal maps to (the problem's detail and field, the exit code).</summary>
    public static Task ThrowIfRefusedAsync(HttpResponseMessage response, CancellationToken cancellationToken) => EnsureSuccessAsync(response, cancellationToken);

    /// <summary>Starts a download; the caller reads and disposes the response.</summary>
    public async Task<HttpResponseMessage> GetStreamAsync(string path, RangeHeaderValue? range, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = range;
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The session of a device's client: a current token on each request, and one retry with a new one after <c>401 session-expired</c> when the request's body can be sent again.</summary>
    private sealed class SessionHandler(TernApi api) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (api._sessions is not { } sessions)
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await sessions.CurrentAsync(cancellationToken).ConfigureAwait(false));
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized || request.Content is not (null or ByteArrayContent))
            {
                return response;
            }

            // Expired (or ended by a restart of the node, which keeps sessions in memory): renew once and send again.
            response.Dispose();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await sessions.RenewAsync(cancellationToken).ConfigureAwait(false));
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var message = $"the node answered {status} {response.ReasonPhrase}";
        try
        {
            using var problem = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            var root = problem.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            {
                message = $"{message}: {detail.GetString()}";
                if (root.TryGetProperty("field", out var field) && field.ValueKind == JsonValueKind.String)
                {
                    message += $" (field {field.GetString()})";
                }
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's page, say): the status line says enough.
        }

        throw new CliException(message, response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? ExitCodes.NotFound
            : ExitCodes.Error);
    }

    public void Dispose() => _http.Dispose();
}
