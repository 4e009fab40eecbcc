using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tern.Economics;

/// <summary>A bearer-token JSON client for a node's admin or client API on loopback.</summary>
internal sealed class Http : IDisposable
{
    private readonly HttpClient _client;

    public Http(string endpoint, string token)
    {
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 8 }) { BaseAddress = new Uri($"http://{endpoint}"), Timeout = TimeSpan.FromMinutes(5) };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public async Task<JsonNode> GetAsync(string path)
    {
        using var response = await _client.GetAsync(path).ConfigureAwait(false);
        await ExpectAsync(response, HttpStatusCode.OK).ConfigureAwait(false);
        return JsonNode.Parse(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false))!;
    }

    public async Task<string> GetTextAsync(string path)
    {
        using var response = await _client.GetAsync(path).ConfigureAwait(false);
        await ExpectAsync(response, HttpStatusCode.OK).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync().ConfigureAwait(false);
    }

    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, params HttpStatusCode[] expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _client.SendAsync(request).ConfigureAwait(false);
        await ExpectAsync(response, expected).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return bytes.Length == 0 ? null : JsonNode.Parse(bytes);
    }

    public async Task<JsonNode> PostBytesAsync(string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        using var response = await _client.PostAsync(path, content).ConfigureAwait(false);
        await ExpectAsync(response, HttpStatusCode.Created).ConfigureAwait(false);
        return JsonNode.Parse(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false))!;
    }

    public async Task<bool> DeleteAsync(string path)
    {
        using var response = await _client.DeleteAsync(path).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    public void Dispose() => _client.Dispose();

    private static async Task ExpectAsync(HttpResponseMessage response, params HttpStatusCode[] expected)
    {
        if (!expected.Contains(response.StatusCode))
        {
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}: {text}");
        }
    }

    public static long Long(JsonNode? node) => node?.GetValue<long>() ?? 0;

    public static double Double(JsonNode? node) => node?.GetValue<double>() ?? 0;

    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
}
