using Tern.Node;

namespace Tern.Admin.Tests;

/// <summary>A node refuses to expose the admin API off loopback without TLS and a token.</summary>
public sealed class RefusalTests : IDisposable
{
    private readonly TempDirectory _directory = new("admin-refusal");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Off_loopback_without_TLS_the_node_refuses_to_start_naming_the_key()
    {
        var e = await Assert.ThrowsAsync<TernConfigurationException>(() => AdminNode.StartAsync("a.example", _directory.Path,
            new Dictionary<string, string?> { ["Tern:Admin:Listen"] = "0.0.0.0:0" }));
        Assert.Equal(("Tern:Admin:Listen", "0.0.0.0:0"), (e.Key, e.Value));
        Assert.Contains("Tls", e.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Off_loopback_with_TLS_but_no_token_the_node_refuses_to_start_and_writes_none()
    {
        var e = await Assert.ThrowsAsync<TernConfigurationException>(() => AdminNode.StartAsync("a.example", _directory.Path,
            new Dictionary<string, string?> { ["Tern:Admin:Listen"] = "0.0.0.0:0", ["Tern:Admin:Tls"] = "true" }));
        Assert.Equal("Tern:Admin:Listen", e.Key);
        Assert.Contains("token", e.Rule, StringComparison.Ordinal);
        Assert.Null(AdminToken.Read(_directory.Path));
    }

    [Fact]
    public async Task A_port_in_use_refuses_start_naming_the_key()
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var taken = holder.LocalEndpoint.ToString()!;

        var e = await Assert.ThrowsAsync<TernConfigurationException>(() => AdminNode.StartAsync("a.example", _directory.Path,
            new Dictionary<string, string?> { ["Tern:Admin:Listen"] = taken }));
        Assert.Equal(("Tern:Admin:Listen", taken), (e.Key, e.Value));
        Assert.Contains("cannot be bound", e.Rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Tern:Admin:Listen", "localhost")]
    [InlineData("Tern:Admin:DefaultPageLimit", "0")]
    [InlineData("Tern:Admin:Listne", "127.0.0.1:0")]
    public async Task Bad_admin_settings_refuse_start_naming_the_key(string key, string value)
    {
        var e = await Assert.ThrowsAsync<TernConfigurationException>(() => AdminNode.StartAsync("a.example", _directory.Path,
            new Dictionary<string, string?> { [key] = value }));
        Assert.Equal(key, e.Key);
    }

    [Fact]
    public async Task On_loopback_a_missing_token_is_written_and_an_existing_one_kept()
    {
        await using (var first = await AdminNode.StartAsync("a.example", _directory.Path))
        {
            Assert.NotNull(AdminToken.Read(_directory.Path));
        }

        var token = AdminToken.Read(_directory.Path);
        await using var second = await AdminNode.StartAsync("a.example", _directory.Path);
        Assert.Equal(token, second.Token);
    }
}
