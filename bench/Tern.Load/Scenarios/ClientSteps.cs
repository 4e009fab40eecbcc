using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Tern.Engine.Protocol;

namespace Tern.Load.Scenarios;

/// <summary>The client API calls a scenario makes before its measured runs (docs/CLIENT-API.md), each checked.</summary>
internal static class ClientSteps
{
    /// <summary>Registers <paramref name="hash"/> for the user of <paramref name="client"/> (<c>PUT /v1/hashes/{hash}</c>).</summary>
    public static async Task RegisterHashAsync(HttpClient client, RecipientHash hash)
    {
        using var response = await client.PutAsync($"/v1/hashes/{hash}", null).ConfigureAwait(false);
        Expect(response, HttpStatusCode.Created, HttpStatusCode.NoContent, HttpStatusCode.OK);
    }

    /// <summary>Submits <paramref name="body"/> to every recipient (<c>POST /v1/messages?to=…</c>).</summary>
    public static async Task SubmitAsync(HttpClient client, byte[] body, params string[] recipients)
    {
        using var content = new ByteArrayContent(body);
        using var response = await client.PostAsync(SubmitPath(recipients), content).ConfigureAwait(false);
        Expect(response, HttpStatusCode.Created);
    }

    /// <summary>The submit route's path and query for these recipients (<c>hash@domain</c> each).</summary>
    public static string SubmitPath(IEnumerable<string> recipients)
    {
        var path = new StringBuilder("/v1/messages?");
        foreach (var recipient in recipients)
        {
            path.Append(path[^1] == '?' ? "" : "&").Append("to=").Append(recipient);
        }

        return path.ToString();
    }

    /// <summary>Polls the user's references under <paramref name="hash"/> until <paramref name="count"/> are listed; returns their capabilities.</summary>
    public static async Task<List<FetchCapability>> PollCapabilitiesAsync(HttpClient client, RecipientHash hash, int count, TimeSpan timeout)
    {
        var capabilities = new List<FetchCapability>(count);
        var after = "0";
        using var deadline = new CancellationTokenSource(timeout);
        while (capabilities.Count < count)
        {
            using var response = await client.GetAsync($"/v1/references?hash={hash}&after={after}&limit=1000&wait=5", deadline.Token).ConfigureAwait(false);
            Expect(response, HttpStatusCode.OK);
            using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false));
            foreach (var reference in json.RootElement.GetProperty("references").EnumerateArray())
            {
                capabilities.Add(FetchCapability.TryParse(reference.GetProperty("capability").GetString(), out var capability)
                    ? capability
                    : throw new InvalidOperationException("a reference's capability does not parse"));
            }

            after = json.RootElement.GetProperty("next").GetString() ?? after;
        }

        return capabilities;
    }

    private static void Expect(HttpResponseMessage response, params HttpStatusCode[] expected)
    {
        if (Array.IndexOf(expected, response.StatusCode) < 0)
        {
            var path = response.RequestMessage?.RequestUri?.PathAndQuery ?? "";
            path = path.Length > 120 ? path[..120] + "…" : path;
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{response.RequestMessage?.Method} {path} answered {(int)response.StatusCode}"));
        }
    }
}
