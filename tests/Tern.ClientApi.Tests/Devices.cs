using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tern.ClientApi.Tests;

/// <summary>Enrolment helpers (docs/C2S.md §5): devices enrolled with one-time codes, each with its own session.</summary>
public static class Devices
{
    /// <summary>Adds <paramref name="user"/> and enrols two devices of theirs with codes; a client on each device's session.</summary>
    public static async Task<(HttpClient First, HttpClient Second)> TwoDevicesAsync(ApiNode node, string user)
    {
        var (operatorClient, _) = node.AddUser(user);
        var first = await EnrolAsync(node, operatorClient, "laptop");
        var second = await EnrolAsync(node, operatorClient, "phone");
        return (first.Client, second.Client);
    }

    /// <summary>Enrols a device with a code issued through <paramref name="issuer"/>; its id, token and a client on a new session.</summary>
    public static async Task<(string DeviceId, string DeviceToken, HttpClient Client)> EnrolAsync(ApiNode node, HttpClient issuer, string name, string kind = "native")
    {
        var code = (await Api.JsonAsync(await issuer.PostAsync("/v1/devices/codes", null), HttpStatusCode.Created)).GetProperty("code").GetString();
        var enrolled = await Api.JsonAsync(await node.Http.PostAsJsonAsync("/v1/devices", new Dictionary<string, string> { ["code"] = code!, ["name"] = name, ["kind"] = kind }), HttpStatusCode.Created);
        var token = enrolled.GetProperty("deviceToken").GetString()!;
        return (enrolled.GetProperty("deviceId").GetString()!, token, await SessionClientAsync(node, token));
    }

    /// <summary>Opens a session with <paramref name="deviceToken"/> and gives a client that sends it.</summary>
    public static async Task<HttpClient> SessionClientAsync(ApiNode node, string deviceToken)
    {
        var session = await OpenSessionAsync(node, deviceToken);
        return node.ClientFor(session.GetProperty("sessionToken").GetString()!);
    }

    public static async Task<JsonElement> OpenSessionAsync(ApiNode node, string deviceToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", deviceToken);
        return await Api.JsonAsync(await node.Http.SendAsync(request));
    }
}
