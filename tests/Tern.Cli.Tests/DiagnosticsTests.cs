using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tern.Engine.Keys;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Cli.Tests;

/// <summary><c>tern peers</c> through discovery's static peers file and <c>tern doctor</c> on a data directory <c>tern init</c> made.</summary>
public sealed class DiagnosticsTests : IDisposable
{
    private readonly TempDirectory _directory = new("cli-diagnostics");

    [Fact]
    public async Task Peers_shows_what_discovery_resolves_from_the_static_peers_file()
    {
        using var keys = DomainKeySet.Generate("e.example");
        await File.WriteAllBytesAsync(_directory.File("e.tern"), SignedDescriptor.Sign(
            DomainDescriptor.For(keys, ["udp://127.0.0.1:7999"], ["tern+tcp://127.0.0.1:7998"], TimeSpan.FromDays(1), null), keys));
        await File.WriteAllTextAsync(_directory.File("peers.json"), $$"""{"peers": [{"domain": "e.example", "descriptor": "e.tern", "fingerprints": ["{{keys.Fingerprint}}"]}]}""");

        // No DNS server answers on port 1: what is shown came from the file.
        var peer = (await CliRun.InvokeAsync(_directory.Path, "peers", "e.example", "--static-peers", _directory.File("peers.json"),
            "--name-server", "127.0.0.1:1", "--json")).Json();

        Assert.Equal("e.example", peer.GetProperty("domain").GetString());
        Assert.Equal("127.0.0.1:7999", peer.GetProperty("notifyEndpoint").GetString());
        Assert.Contains("tern+tcp://127.0.0.1:7998", peer.GetProperty("fetchDoors").EnumerateArray().Select(d => d.GetString()));
        Assert.Contains(keys.Fingerprint, peer.GetProperty("fingerprints").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(new Engine.Protocol.Bytes32(keys.AgreementPublicKey).ToString(), peer.GetProperty("agreementKey").GetString());

        var unknown = await CliRun.InvokeAsync(_directory.Path, "peers", "f.example", "--static-peers", _directory.File("peers.json"), "--name-server", "127.0.0.1:1");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("f.example", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_reports_keys_libsodium_disk_clock_and_a_port_already_bound()
    {
        var data = _directory.File("node");
        Assert.Equal(0, (await CliRun.InvokeAsync(_directory.Path, "init", "--domain", "d.example", "--data-dir", data)).ExitCode);
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var settings = _directory.File("node", "appsettings.json");
        var document = JsonNode.Parse(await File.ReadAllTextAsync(settings))!;
        document["Tern"]!["Node"]!["NotifyEndpoint"] = "127.0.0.1:0";
        document["Tern"]!["Node"]!["FramedEndpoint"] = "127.0.0.1:0";
        document["Tern"]!["ClientApi"] = new JsonObject { ["Listen"] = holder.LocalEndpoint.ToString() };
        await File.WriteAllTextAsync(settings, document.ToJsonString());

        var result = await CliRun.InvokeAsync(_directory.Path, "doctor", "--data-dir", data, "--no-dns", "--json");

        var checks = result.Json().EnumerateArray().ToDictionary(c => c.GetProperty("check").GetString()!, c => c);
        Assert.Equal("ok", Verdict(checks["libsodium"]));
        Assert.Equal("ok", Verdict(checks["keys"]));
        Assert.Contains("d.example", checks["keys"].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("ok", Verdict(checks["notify port"]));
        Assert.Equal("warn", Verdict(checks["client API"]));
        Assert.Contains("bound already", checks["client API"].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(Verdict(checks["disk"]) is "ok" or "warn");
        Assert.Equal("ok", Verdict(checks["clock"]));
    }

    [Fact]
    public async Task Doctor_on_a_directory_without_keys_fails_the_keys_check_and_exits_1()
    {
        Directory.CreateDirectory(_directory.File("empty"));

        var result = await CliRun.InvokeAsync(_directory.Path, "doctor", "--data-dir", _directory.File("empty"), "--no-dns");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("fail  keys", result.Output, StringComparison.Ordinal);
        Assert.Contains("tern init", result.Output, StringComparison.Ordinal);
    }

    private static string? Verdict(JsonElement check) => check.GetProperty("verdict").GetString();

    public void Dispose() => _directory.Dispose();
}
