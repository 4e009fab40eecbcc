using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Tests;

/// <summary>Small client helpers the tests share: submit, read a problem, JSON of a response.</summary>
public static class Api
{
    public static string NewHash() => RecipientHash.NewRandom().ToString();

    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, byte[] body, string[] to, string? key = null, string query = "")
    {
        var uri = "/v1/messages?" + string.Join('&', to.Select(t => "to=" + Uri.EscapeDataString(t))) + query;
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {response.StatusCode}, expected {expected}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Checks the response's status, naming the body (a problem says why) when it is not the one expected.</summary>
    public static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {response.StatusCode}, expected {expected}: {text}");
    }

    /// <summary>The problem document of a refusal, checked to be RFC 9457 with a status in the body equal to the response's.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}, expected {(int)expected}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("urn:tern:c2s:", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        return problem;
    }

    public static Task<HttpResponseMessage> PutJsonAsync(HttpClient client, string uri, object body) => client.PutAsJsonAsync(uri, body);
}
