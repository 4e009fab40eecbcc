using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Tern.Load.Kill;

/// <summary>The client API reads the run's clients and checks make (docs/CLIENT-API.md), each answer checked.</summary>
internal static class ClientReads
{
    /// <summary>One stored message as <c>GET /v1/stored</c> lists it.</summary>
    public readonly record struct StoredEntry(string Id, string PayloadHash, long Size);

    /// <summary>One pending reference as <c>GET /v1/references</c> lists it.</summary>
    public readonly record struct ReferenceEntry(string Capability, string PayloadHash, string Sequence);

    /// <summary>One delivery as <c>GET /v1/messages</c> shows it.</summary>
    public readonly record struct DeliveryEntry(string State, long NotificationsSent);

    /// <summary>The user's stored messages listed after <paramref name="after"/>, every page; and the cursor to go on from.</summary>
    public static async Task<(List<StoredEntry> Messages, string Next)> ListStoredAsync(HttpClient client, string after, CancellationToken cancellationToken = default)
    {
        var messages = new List<StoredEntry>();
        while (true)
        {
            using var json = await GetJsonAsync(client, $"/v1/stored?after={after}&limit=1000", cancellationToken).ConfigureAwait(false);
            foreach (var item in json.RootElement.GetProperty("messages").EnumerateArray())
            {
                messages.Add(new StoredEntry(item.GetProperty("id").GetString()!, item.GetProperty("payloadHash").GetString()!, item.GetProperty("size").GetInt64()));
            }

            after = json.RootElement.GetProperty("next").GetString() ?? after;
            if (!json.RootElement.GetProperty("more").GetBoolean())
            {
                return (messages, after);
            }
        }
    }

    /// <summary>The references of <paramref name="hash"/> after <paramref name="after"/>, every page; and the cursor to go on from.</summary>
    public static async Task<(List<ReferenceEntry> References, string Next)> PollAsync(HttpClient client, string hash, string after, CancellationToken cancellationToken = default)
    {
        var references = new List<ReferenceEntry>();
        while (true)
        {
            using var json = await GetJsonAsync(client, $"/v1/references?hash={hash}&after={after}&limit=1000", cancellationToken).ConfigureAwait(false);
            foreach (var item in json.RootElement.GetProperty("references").EnumerateArray())
            {
                references.Add(new ReferenceEntry(item.GetProperty("capability").GetString()!, item.GetProperty("payloadHash").GetString()!, item.GetProperty("sequence").GetString()!));
            }

            after = json.RootElement.GetProperty("next").GetString() ?? after;
            if (!json.RootElement.GetProperty("more").GetBoolean())
            {
                return (references, after);
            }
        }
    }

    /// <summary>alice's messages on a.example (<c>GET /v1/messages</c>): each message id with its one delivery.</summary>
    public static async Task<Dictionary<string, DeliveryEntry>> ListMessagesAsync(HttpClient alice, CancellationToken cancellationToken = default)
    {
        using var json = await GetJsonAsync(alice, "/v1/messages", cancellationToken).ConfigureAwait(false);
        var messages = new Dictionary<string, DeliveryEntry>(StringComparer.Ordinal);
        foreach (var message in json.RootElement.GetProperty("messages").EnumerateArray())
        {
            var delivery = message.GetProperty("deliveries")[0];
            messages[message.GetProperty("messageId").GetString()!] = new DeliveryEntry(delivery.GetProperty("state").GetString()!, delivery.GetProperty("notificationsSent").GetInt64());
        }

        return messages;
    }

    /// <summary>Asks b.example to pull a reference (<c>POST /v1/references/{capability}/actions</c>); the answer's status.</summary>
    public static async Task<HttpStatusCode> RequestPullAsync(HttpClient client, string capability, CancellationToken cancellationToken = default)
    {
        using var body = new StringContent("{\"action\":\"pull\"}", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri($"/v1/references/{capability}/actions", UriKind.Relative), body, cancellationToken).ConfigureAwait(false);
        return response.StatusCode;
    }

    /// <summary>
    /// Reads stored message <paramref name="entry"/> back and checks it byte for byte against the body its first 8 bytes
    /// name, and against the submission acknowledged with its payload hash; a mismatch is a violation. True when intact.
    /// </summary>
    public static async Task<bool> VerifyStoredAsync(HttpClient client, StoredEntry entry, KillLedger ledger, int seed, CancellationToken cancellationToken = default)
    {
        using var response = await client.GetAsync(new Uri($"/v1/stored/{entry.Id}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"GET /v1/stored/{entry.Id} answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        var copy = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var sequence = KillBody.SequenceOf(copy);
        var acknowledged = ledger.ByPayloadHash(entry.PayloadHash);
        var intact = copy.LongLength == entry.Size && sequence >= 0 && KillBody.Intact(seed, sequence, copy.Length, copy)
            && (acknowledged is null || (acknowledged.Sequence == sequence && acknowledged.Size == copy.Length));
        if (!intact)
        {
            ledger.Violation(ViolationKind.StoredMessage, string.Create(CultureInfo.InvariantCulture, $"stored message {entry.Id} ({copy.Length} of {entry.Size} bytes, says sequence {sequence}, acknowledged as {acknowledged?.Sequence.ToString(CultureInfo.InvariantCulture) ?? "nothing"}) is not the body submitted"));
            return false;
        }

        ledger.Verified(entry.Id, sequence);
        return true;
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"GET {path} answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        return JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
    }
}
