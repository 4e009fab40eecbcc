using System.Net;
using System.Net.Sockets;
using Tern.Node;

namespace Tern.ClientApi.Tests;

/// <summary>A client API port that cannot be bound refuses the start with the key to change, as every other port does.</summary>
public sealed class ListenRefusalTests : IDisposable
{
    private readonly TempDirectory _directory = new("clientapi-listen");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_port_in_use_refuses_start_naming_the_key_and_a_free_port_then_starts()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = holder.LocalEndpoint.ToString()!;

        var e = await Assert.ThrowsAsync<TernConfigurationException>(() => ApiNode.StartAsync("b.example", _directory.Path,
            new Dictionary<string, string?> { ["Tern:ClientApi:Listen"] = taken }));
        Assert.Equal(("Tern:ClientApi:Listen", taken), (e.Key, e.Value));
        Assert.Contains("cannot be bound", e.Rule, StringComparison.Ordinal);

        await using var node = await ApiNode.StartAsync("b.example", _directory.Path);
        Assert.NotNull(node.Node.ClientApiEndPoint);
    }
}
