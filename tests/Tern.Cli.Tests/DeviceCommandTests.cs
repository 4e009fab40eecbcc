using System.Net;
using System.Text;
using System.Text.Json;
using Tern.ClientApi.Tests;
using Tern.Engine.Protocol;

namespace Tern.Cli.Tests;

/// <summary>
/// The device flow, events and labels through <c>tern</c> against real nodes (docs/C2S.md §5, §8, §15, docs/CLI.md):
/// a code minted on one device enrols another with <c>tern login --code</c>, a password enrols a third, sessions are
/// opened and renewed by the client without the user, a revoked device is refused, and two devices converge on labels
/// through <c>tern events</c>, listed and followed.
/// </summary>
public sealed class DeviceCommandTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new("cli-devices");
    private ApiNode _a = null!;
    private ApiNode _b = null!;
    private HttpClient _bobOperator = null!;
    private CliRun _operator = null!;

    public async Task InitializeAsync()
    {
        _a = await ApiNode.StartAsync("a.example", _directory.File("a"));
        _b = await ApiNode.StartAsync("b.example", _directory.File("b"));
        _a.Introduce(_b);
        (_bobOperator, var token) = _b.AddUser("bob");
        Directory.CreateDirectory(_directory.File("operator"));
        _operator = new CliRun(_directory.File("operator"), new Dictionary<string, string?> { ["TERN_SERVER"] = Server, ["TERN_TOKEN"] = token.Token });
    }

    public async Task DisposeAsync()
    {
        _bobOperator.Dispose();
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    private string Server => _b.Http.BaseAddress!.ToString();

    [Fact]
    public async Task A_code_and_a_password_enrol_devices_whose_sessions_renew_by_themselves_and_a_revoked_one_is_refused()
    {
        // The operator's token mints a code; the laptop enrols with it and keeps only its device token.
        var code = (await _operator.RunAsync("devices", "code", "--json")).Json().GetProperty("code").GetString()!;
        var laptop = await HomeAsync("laptop");
        var login = (await laptop.RunAsync("login", "--server", Server, "--code", code, "--name", "laptop", "--json")).Json();
        Assert.Equal("bob@b.example", login.GetProperty("address").GetString());
        var config = Config("laptop");
        Assert.StartsWith("tern_d_", config.GetProperty("deviceToken").GetString(), StringComparison.Ordinal);
        Assert.Equal("", config.GetProperty("token").GetString());
        var laptopId = config.GetProperty("deviceId").GetString()!;

        // A code is single use.
        var reused = await (await HomeAsync("thief")).RunAsync("login", "--server", Server, "--code", code);
        Assert.Equal(4, reused.ExitCode);

        // The first client command opens a session and keeps it; the next reuses it.
        var devices = (await laptop.RunAsync("devices", "list", "--json")).Json().GetProperty("devices").EnumerateArray().ToList();
        Assert.True(devices.Single(d => d.GetProperty("deviceId").GetString() == laptopId).GetProperty("current").GetBoolean());
        var session = Config("laptop").GetProperty("session").GetString()!;
        Assert.StartsWith("tern_s_", session, StringComparison.Ordinal);
        Assert.Equal(0, (await laptop.RunAsync("devices", "list")).ExitCode);
        Assert.Equal(session, Config("laptop").GetProperty("session").GetString());

        // A session the node no longer knows (expired, or ended by a restart) is renewed on its 401, and the command succeeds.
        RewriteSession("laptop", "tern_s_" + new string('A', 43));
        Assert.Equal(0, (await laptop.RunAsync("label", "list")).ExitCode);
        Assert.NotEqual(session, Config("laptop").GetProperty("session").GetString());

        // A session about to expire is renewed before it is used.
        RewriteSession("laptop", Config("laptop").GetProperty("session").GetString()!, DateTimeOffset.UtcNow.AddSeconds(10));
        var before = Config("laptop").GetProperty("session").GetString();
        Assert.Equal(0, (await laptop.RunAsync("devices", "list")).ExitCode);
        Assert.NotEqual(before, Config("laptop").GetProperty("session").GetString());

        // A password set from an enrolled device enrols the phone (read from standard input, never an argument).
        Assert.Equal(HttpStatusCode.NoContent, (await _bobOperator.PutAsync("/v1/me/password", JsonContent("""{"password":"correct horse battery"}"""))).StatusCode);
        var phone = await HomeAsync("phone");
        phone.StandardInput = Encoding.UTF8.GetBytes("correct horse battery\n");
        Assert.Equal(0, (await phone.RunAsync("login", "--server", Server, "--address", "bob@b.example", "--password-stdin", "--name", "phone", "--kind", "minimal")).ExitCode);
        var phoneId = Config("phone").GetProperty("deviceId").GetString()!;
        var guess = await HomeAsync("guess");
        guess.StandardInput = Encoding.UTF8.GetBytes("wrong password\n");
        Assert.Equal(4, (await guess.RunAsync("login", "--server", Server, "--address", "bob@b.example", "--password-stdin")).ExitCode);
        var bad = await phone.RunAsync("login", "--server", Server, "--address", "bob@b.example");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("TERN_PASSWORD", bad.Error, StringComparison.Ordinal);

        // The laptop revokes the phone: its next command is refused (exit 4), and the list says revoked.
        Assert.Equal(0, (await laptop.RunAsync("devices", "revoke", phoneId)).ExitCode);
        var refused = await phone.RunAsync("devices", "list");
        Assert.Equal(4, refused.ExitCode);
        var listed = (await laptop.RunAsync("devices", "list")).Output;
        Assert.Contains(phoneId, listed, StringComparison.Ordinal);
        Assert.Contains("revoked", listed.Split('\n').Single(l => l.Contains(phoneId, StringComparison.Ordinal)), StringComparison.Ordinal);

        // enrol prints a device token without saving it.
        var another = (await _operator.RunAsync("devices", "code", "--json")).Json().GetProperty("code").GetString()!;
        var enrolled = (await (await HomeAsync("script")).RunAsync("devices", "enrol", "--server", Server, "--code", another, "--json")).Json();
        Assert.StartsWith("tern_d_", enrolled.GetProperty("deviceToken").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(_directory.File("script", ".config", "tern", "client.json")));
    }

    [Fact]
    public async Task Two_devices_converge_on_labels_through_tern_events_listed_and_followed()
    {
        var laptop = await EnrolledAsync("laptop");
        var phone = await EnrolledAsync("phone");
        var hash = RecipientHash.NewRandom().ToString();
        Assert.Equal(0, (await laptop.RunAsync("hash", "add", hash)).ExitCode);
        Assert.Equal(0, (await laptop.RunAsync("prefer", "a.example", "--pull", "immediately")).ExitCode);

        // The phone follows from the current end; the message arrives and the laptop labels it.
        var start = (await phone.RunAsync("events", "--json")).Error.Trim().Split('\n')[^1];
        Assert.StartsWith("next ", start, StringComparison.Ordinal);
        var follow = phone.RunAsync("events", "--follow", "--json", "--after", start[5..], "--count", "4");
        var (alice, _) = _a.AddUser("alice");
        using (var sent = await alice.PostAsync($"/v1/messages?to={Uri.EscapeDataString($"{hash}@b.example")}", new ByteArrayContent([1, 2, 3])))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        string id = "";
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var stored = (await laptop.RunAsync("stored", "--json")).Json().GetProperty("messages");
            id = stored.GetArrayLength() == 1 ? stored[0].GetProperty("id").GetString()! : "";
            return id.Length > 0;
        }));
        var labelled = await laptop.RunAsync("label", "add", id, "work", "projects/tern");
        Assert.Equal(0, labelled.ExitCode);
        Assert.Equal($"{id}\tinbox projects/tern work", labelled.Output.Trim());
        Assert.Equal(0, (await laptop.RunAsync("label", "remove", id, "inbox")).ExitCode);

        var followed = await follow.WaitAsync(TimeSpan.FromSeconds(60));
        var events = followed.Output.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal(["received", "pulled", "labels_changed", "labels_changed"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(["projects/tern", "work"], events[^1].GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal($"next {events[^1].GetProperty("sequence").GetString()}", followed.Error.Trim().Split('\n')[^1]);

        // Listed after a cursor, the phone sees the same; its views by label agree with the laptop's.
        var listed = (await phone.RunAsync("events", "--after", events[1].GetProperty("sequence").GetString()!)).Output.Trim().Split('\n');
        Assert.Equal(2, listed.Length);
        Assert.All(listed, l => Assert.Contains("\tlabels_changed\t", l, StringComparison.Ordinal));
        Assert.Equal(id, (await phone.RunAsync("stored", "--label", "work", "--json")).Json().GetProperty("messages")[0].GetProperty("id").GetString());
        Assert.Empty((await phone.RunAsync("stored", "--label", "inbox", "--json")).Json().GetProperty("messages").EnumerateArray());
        Assert.Equal("projects/tern\t1\nwork\t1", (await phone.RunAsync("label", "list")).Output.Trim());

        // A cursor past the log is refused with the node's reason; a bad one before anything is sent.
        var gone = await phone.RunAsync("events", "--after", "99999");
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("no longer keeps", gone.Error, StringComparison.Ordinal);
        Assert.Equal(2, (await phone.RunAsync("events", "--after", "-3")).ExitCode);
    }

    private async Task<CliRun> HomeAsync(string name)
    {
        Directory.CreateDirectory(_directory.File(name));
        await Task.CompletedTask;
        return new CliRun(_directory.File(name));
    }

    private async Task<CliRun> EnrolledAsync(string name)
    {
        var code = (await _operator.RunAsync("devices", "code", "--json")).Json().GetProperty("code").GetString()!;
        var home = await HomeAsync(name);
        Assert.Equal(0, (await home.RunAsync("login", "--server", Server, "--code", code, "--name", name)).ExitCode);
        return home;
    }

    private JsonElement Config(string home)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(_directory.File(home, ".config", "tern", "client.json")));
        return document.RootElement.Clone();
    }

    private void RewriteSession(string home, string session, DateTimeOffset? expires = null)
    {
        var path = _directory.File(home, ".config", "tern", "client.json");
        var fields = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))!;
        fields["session"] = session;
        fields["sessionExpires"] = (expires ?? DateTimeOffset.UtcNow.AddMinutes(10)).UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(path, JsonSerializer.Serialize(fields));
    }

    private static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");
}
