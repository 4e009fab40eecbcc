using System.Text.Json;
using Tern.ClientApi.Users;

namespace Tern.ClientApi.Tests;

public sealed class ServedDocumentTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new("clientapi-doc");
    private ApiNode _node = null!;

    public async Task InitializeAsync() => _node = await ApiNode.StartAsync("a.example", _directory.Path);

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// docs/client-api.openapi.json is what the app serves. After a change to the routes, regenerate it with
    /// <c>TERN_UPDATE_OPENAPI=1 dotnet test tests/Tern.ClientApi.Tests --filter ServedDocument</c> (the test then writes the file).
    /// </summary>
    [Fact]
    public async Task The_committed_OpenAPI_document_is_the_one_the_app_serves()
    {
        var served = Normalize(await _node.Http.GetStringAsync("/openapi/v1.json"));
        var committed = Path.Combine(AppContext.BaseDirectory, "client-api.openapi.json");
        if (Environment.GetEnvironmentVariable("TERN_UPDATE_OPENAPI") == "1")
        {
            var source = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../docs/client-api.openapi.json"));
            await File.WriteAllTextAsync(source, served);
            return;
        }

        Assert.True(File.Exists(committed), "docs/client-api.openapi.json is missing");
        Assert.Equal(Normalize(await File.ReadAllTextAsync(committed)), served);
    }

    [Fact]
    public async Task The_node_writes_the_client_API_port_to_ports_json()
    {
        using var ports = JsonDocument.Parse(await File.ReadAllTextAsync(Tern.Node.TernDataDirectory.PortsFile(_directory.Path)));
        Assert.Equal(_node.Node.ClientApiEndPoint!.ToString(), ports.RootElement.GetProperty("clientApi").GetString());
    }

    [Fact]
    public async Task The_users_file_holds_only_the_tokens_hash_a_new_token_replaces_the_old_and_names_are_checked()
    {
        var (client, issued) = _node.AddUser("carol");
        Assert.StartsWith("tern_u_", issued.Token, StringComparison.Ordinal);
        Assert.Equal(50, issued.Token.Length);
        var file = Path.Combine(_directory.Path, "users.json");
        var text = await File.ReadAllTextAsync(file);
        Assert.DoesNotContain(issued.Token[7..], text, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(issued.Token))), text, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal("carol@a.example", (await Api.JsonAsync(await client.GetAsync("/v1/me"))).GetProperty("address").GetString());

        // Another process (tern user token) replaces the token: the new one works at once (a token the node does not
        // know makes it read the file again), and the old one is refused from then on.
        var renewed = UserDirectory.Open(_directory.Path).IssueToken("carol");
        using var again = _node.ClientFor(renewed.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await again.GetAsync("/v1/me")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/me")).StatusCode);

        // With no request for the new token to prompt it, the node notices the replacement within
        // UserDirectory.ChangeCheckIntervalMs (it no longer looks at the file on every request).
        var third = UserDirectory.Open(_directory.Path).IssueToken("carol");
        Assert.True(await Eventually.TrueAsync(async () => (await again.GetAsync("/v1/me")).StatusCode == System.Net.HttpStatusCode.Unauthorized,
            TimeSpan.FromMilliseconds(UserDirectory.ChangeCheckIntervalMs * 5)));
        using var latest = _node.ClientFor(third.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await latest.GetAsync("/v1/me")).StatusCode);

        var users = UserDirectory.Open(_directory.Path);
        Assert.Throws<UserDirectoryException>(() => users.Add("carol", "carol2@a.example"));
        Assert.Throws<UserDirectoryException>(() => users.Add("Dave", "dave@a.example"));
        Assert.Throws<UserDirectoryException>(() => users.Add("dave", "carol@a.example"));
        Assert.Throws<UserDirectoryException>(() => users.Add("dave", "dave@not a domain"));
        Assert.Equal(["carol"], users.List().Select(u => u.Name));
    }

    private static string Normalize(string json) => json.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";
}
