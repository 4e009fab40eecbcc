using System.Diagnostics;
using System.Globalization;
using Tern.Engine.Protocol;

namespace Tern.Engine.Tests.Interop;

/// <summary>
/// A node harness (tests/Tern.NodeHarness) running as a child process with its own data directory, driven through
/// stdin/stdout one line at a time. Every read has a timeout; disposal asks the node to quit and kills it if it does not.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly TempDirectory? _ownDirectory;
    private readonly Task<string> _stderr;

    private NodeProcess(Process process, TempDirectory? ownDirectory, string domain, Bytes32 agreementKey, int port)
    {
        _process = process;
        _ownDirectory = ownDirectory;
        _stderr = process.StandardError.ReadToEndAsync();
        Domain = domain;
        AgreementKey = agreementKey;
        Port = port;
    }

    public string Domain { get; }

    public Bytes32 AgreementKey { get; }

    /// <summary>The node's notification port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Starts a node on a data directory of its own, deleted with it, and waits for its READY line.</summary>
    public static Task<NodeProcess> StartAsync(string domain, params string[] options)
        => StartAsync(domain, new TempDirectory("node"), ownsDirectory: true, options);

    /// <summary>Starts a node on <paramref name="directory"/>, which outlives it (a restarted node finds its data there).</summary>
    public static Task<NodeProcess> StartAsync(string domain, TempDirectory directory, params string[] options)
        => StartAsync(domain, directory, ownsDirectory: false, options);

    private static async Task<NodeProcess> StartAsync(string domain, TempDirectory directory, bool ownsDirectory, string[] options)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(BuiltAssembly.Path("tests/Tern.NodeHarness", "Tern.NodeHarness.dll"));
        foreach (var argument in (string[])["--domain", domain, "--data", directory.Path, .. options])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {domain} did not start");
        }

        var parts = line?.Split(' ');
        if (parts is not ["READY", _, _, _])
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"node {domain} did not start: '{line}' {await process.StandardError.ReadToEndAsync()}");
        }

        return new NodeProcess(process, ownsDirectory ? directory : null, domain, Bytes32.Parse(parts[2]), int.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    /// <summary>Sends a command and returns its one-line answer; an ERROR answer fails the test.</summary>
    public async Task<string> SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null)
        {
            Assert.Fail($"node {Domain} exited: {await _stderr}");
        }

        Assert.False(line.StartsWith("ERROR", StringComparison.Ordinal), $"{Domain}: {command} → {line}");
        return line;
    }

    /// <summary>Points this node's notifications for <paramref name="domain"/> at a port (the peer itself or a relay).</summary>
    public Task<string> AddPeerAsync(string domain, Bytes32 agreementKey, int port)
        => SendAsync(FormattableString.Invariant($"PEER {domain} {agreementKey} {port}"));

    /// <summary>Submits a blob for one recipient at <paramref name="domain"/>; returns its message id, capability and recipient hash.</summary>
    public async Task<(string MessageId, string Capability, string Hash)> SubmitAsync(string domain)
    {
        var parts = (await SendAsync("SUBMIT " + domain)).Split(' ');
        return (parts[1], parts[2], parts[3]);
    }

    /// <summary>The references pending under a hash: capability → attempt of the notification that filed it.</summary>
    public async Task<Dictionary<string, int>> PollAsync(string hash)
    {
        var parts = (await SendAsync("POLL " + hash)).Split(' ');
        return parts.Skip(1).Select(p => p.Split(':')).ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
    }

    /// <summary>The node's counters by name.</summary>
    public async Task<Dictionary<string, long>> StatsAsync()
    {
        var parts = (await SendAsync("STATS")).Split(' ');
        return parts.Skip(1).Select(p => p.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
    }

    /// <summary>SIGKILL: no shutdown, no final checkpoint; the data directory stays.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync("QUIT");
                await _process.StandardInput.FlushAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        finally
        {
            _process.Dispose();
            _ownDirectory?.Dispose();
        }
    }
}
