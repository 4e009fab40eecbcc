using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Node;

namespace Tern.Cli.Demo;

/// <summary>
/// One demo domain's node as an operator runs it: a data directory made by <c>tern init</c>, settings written to its
/// <c>appsettings.json</c>, <c>tern run</c> as a child process found ready through <c>state/ports.json</c>, and stopped
/// with SIGTERM, which must end it with exit code 0.
/// </summary>
internal sealed class DemoNode : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private readonly TernLauncher _tern;
    private ChildProcess? _process;

    public DemoNode(TernLauncher tern, string root, string domain)
    {
        _tern = tern;
        Domain = domain;
        DataDirectory = Path.Combine(root, domain);
    }

    public string Domain { get; }

    /// <summary>The host the DNS zone names for the node (SRV targets), as <c>tern init</c> assumes.</summary>
    public string Host => "node." + Domain;

    public string DataDirectory { get; }

    /// <summary>Where the running node listens (its <c>state/ports.json</c>); null before it is ready.</summary>
    public NodePorts? Ports { get; private set; }

    /// <summary>The client API's base URL.</summary>
    public Uri ClientApi => new($"http://{Ports?.ClientApi ?? throw new InvalidOperationException($"{Domain} is not running")}/");

    /// <summary>The identity fingerprint, what the TXT record publishes.</summary>
    public string Fingerprint { get; private set; } = "";

    /// <summary>The running process (for its output), if any.</summary>
    public ChildProcess? Process => _process;

    /// <summary><c>tern init</c>: the key set, certificate and starting <c>appsettings.json</c>.</summary>
    public async Task InitAsync()
    {
        using var init = ChildProcess.Start(_tern.StartInfo(["init", "--domain", Domain, "--data-dir", DataDirectory, "--host", Host]), $"tern init {Domain}");
        if (!await init.WaitForExitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false) || init.ExitCode != 0)
        {
            throw new DemoException($"tern init --domain {Domain} failed\n{init.Tail()}");
        }

        using var keys = DomainKeySet.Load(TernDataDirectory.Keys(DataDirectory));
        Fingerprint = keys.Fingerprint;
    }

    /// <summary>Sets <paramref name="settings"/> (keys as <c>Tern:Node:Domain</c>; a null value removes the key) in <c>appsettings.json</c>.</summary>
    public void Configure(IEnumerable<KeyValuePair<string, JsonNode?>> settings)
    {
        var file = Path.Combine(DataDirectory, TernDataDirectory.SettingsFileName);
        var document = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        foreach (var (key, value) in settings)
        {
            var parts = key.Split(':');
            var node = document;
            foreach (var part in parts[..^1])
            {
                if (node[part] is not JsonObject child)
                {
                    child = [];
                    node[part] = child;
                }

                node = child;
            }

            if (value is null)
            {
                node.Remove(parts[^1]);
            }
            else
            {
                node[parts[^1]] = value;
            }
        }

        File.WriteAllText(file, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary><c>tern run --data-dir …</c>, until its <c>state/ports.json</c> names it; the time it took.</summary>
    public async Task<TimeSpan> StartAsync()
    {
        var clock = Stopwatch.StartNew();
        _process = ChildProcess.Start(_tern.StartInfo(["run", "--data-dir", DataDirectory]), $"tern run ({Domain})");
        while (clock.Elapsed < ReadyTimeout)
        {
            if (_process.HasExited)
            {
                throw new DemoException($"the {Domain} node exited with {_process.ExitCode} before it was ready\n{_process.Tail()}");
            }

            if (TryReadPorts() is { } ports && ports.ProcessId == _process.Id)
            {
                Ports = ports;
                return clock.Elapsed;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new DemoException($"the {Domain} node was not ready within {ReadyTimeout.TotalSeconds:F0} s\n{_process.Tail()}");
    }

    /// <summary>SIGTERM; the node must stop within its bound and exit 0. The time it took.</summary>
    public async Task<TimeSpan> StopAsync()
    {
        if (_process is not { } process)
        {
            return TimeSpan.Zero;
        }

        var clock = Stopwatch.StartNew();
        process.Terminate();
        if (!await process.WaitForExitAsync(StopTimeout).ConfigureAwait(false))
        {
            throw new DemoException($"the {Domain} node did not stop within {StopTimeout.TotalSeconds:F0} s of SIGTERM\n{process.Tail()}");
        }

        if (process.ExitCode != 0)
        {
            throw new DemoException($"the {Domain} node exited with {process.ExitCode} after SIGTERM (0 expected)\n{process.Tail()}");
        }

        process.Dispose();
        _process = null;
        Ports = null;
        return clock.Elapsed;
    }

    /// <summary>
    /// The domain's descriptor signed with its key set (docs/PROTOCOL.md §6.1), naming the running node's notification
    /// port and <paramref name="fetchDoor"/> (its framed door unless another is given), valid for a day.
    /// </summary>
    public byte[] SignDescriptor(string? fetchDoor = null)
    {
        var ports = Ports ?? throw new InvalidOperationException($"{Domain} is not running");
        using var keys = DomainKeySet.Load(TernDataDirectory.Keys(DataDirectory));
        var descriptor = DomainDescriptor.For(keys, [$"udp://{ports.Notify}"], [$"tern+tcp://{fetchDoor ?? ports.Framed}"], TimeSpan.FromDays(1));
        return SignedDescriptor.Sign(descriptor, keys);
    }

    /// <summary>The fingerprint as the 32 bytes the TXT record's text encodes.</summary>
    public Bytes32 FingerprintBytes => Bytes32.Parse(Fingerprint);

    public void Dispose()
    {
        _process?.Dispose();
        _process = null;
    }

    private NodePorts? TryReadPorts()
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(TernDataDirectory.PortsFile(DataDirectory)), NodePortsJson.Default.NodePorts);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
