using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tern.Discovery.Tests;

/// <summary>
/// Debian's dnsmasq on 127.0.0.1 on a free high port, serving a zone the test writes (TXT, SRV and host records under
/// <c>example</c>, NXDOMAIN for every other name there), unprivileged and in the foreground. RestartAsync serves a new zone on
/// the same port; Stop leaves the port bound and silent (the "server away" case).
/// </summary>
public sealed class DnsmasqServer : IDisposable
{
    private static readonly string[] Candidates = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"];
    private static readonly string[] LocalZone = ["local=/example/"];
    private readonly string _directory;
    private readonly int _ttl;
    private Process? _process;
    private Socket? _heldUdp;
    private Socket? _heldTcp;

    private DnsmasqServer(string directory, int port, int ttl)
    {
        _directory = directory;
        _ttl = ttl;
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The dnsmasq binary, or null when it is not installed (`make test` installs it: the Makefile's TEST_PKGS).</summary>
    public static string? Binary => Candidates.FirstOrDefault(File.Exists);

    /// <summary>
    /// Skips the calling test when dnsmasq is missing on a developer's machine; on CI (<c>CI=true</c>) a missing server fails
    /// the test instead, since `make test` installs it and a silent skip would hide a broken set-up.
    /// </summary>
    public static void RequireBinary()
    {
        if (Binary is not null)
        {
            return;
        }

        Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), "dnsmasq is not installed; `make test` installs it (apt-get install dnsmasq-base)");
        Skip.If(true, "dnsmasq is not installed (apt-get install dnsmasq-base, or run `make test`, which does)");
    }

    /// <summary>Starts dnsmasq with <paramref name="records"/> (dnsmasq configuration lines) and every answer's TTL <paramref name="ttl"/> s.</summary>
    public static async Task<DnsmasqServer> StartAsync(string directory, IEnumerable<string> records, int ttl = 60)
    {
        RequireBinary();
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            DnsmasqServer? server = null;
            try
            {
                server = new DnsmasqServer(directory, FreePort(), ttl);
                await server.LaunchAsync(records);
                return server;
            }
            catch (Exception e) when (e is InvalidOperationException or SocketException)
            {
                // The free UDP port's TCP twin was taken (SocketException from the probe), or another process took the
                // port between the probe and dnsmasq's bind: try another.
                last = e;
                server?.Dispose();
            }
        }

        throw new InvalidOperationException("dnsmasq did not start", last);
    }

    /// <summary>Serves <paramref name="records"/> instead, on the same port.</summary>
    public async Task RestartAsync(IEnumerable<string> records)
    {
        Kill();
        await LaunchAsync(records);
    }

    /// <summary>
    /// Stops the server: queries to its port go unanswered. The port stays bound by this process, without answering,
    /// until <see cref="RestartAsync"/> or Dispose: a port merely closed can be taken by another test's server (dnsmasq
    /// or a node, started in parallel on a free port), whose answers the stopped server's clients would then read.
    /// </summary>
    public void Stop()
    {
        Kill();
        _heldUdp ??= TryBind(SocketType.Dgram, ProtocolType.Udp);
        _heldTcp ??= TryBind(SocketType.Stream, ProtocolType.Tcp);
    }

    public void Dispose()
    {
        Kill();
        Release();
    }

    private void Kill()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }

            process.Dispose();
            _process = null;
        }
    }

    private async Task LaunchAsync(IEnumerable<string> records)
    {
        Release();
        var config = Path.Combine(_directory, $"dnsmasq-{EndPoint.Port}.conf");
        File.WriteAllLines(config, LocalZone.Concat(records));
        var start = new ProcessStartInfo(Binary!)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--keep-in-foreground", $"--conf-file={config}", $"--port={EndPoint.Port}", "--listen-address=127.0.0.1",
            "--bind-interfaces", "--no-resolv", "--no-hosts", "--no-poll", $"--local-ttl={_ttl}", "--pid-file=",
            $"--user={Environment.UserName}", "--log-facility=-", "--cache-size=0",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dnsmasq did not start");
        _process = process;
        var error = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (error)
            {
                error.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var answered = await Eventually.TrueAsync(() => process.HasExited || Answers());
        if (process.HasExited)
        {
            lock (error)
            {
                throw new InvalidOperationException($"dnsmasq exited with {process.ExitCode}: {error}");
            }
        }

        if (!answered)
        {
            throw new InvalidOperationException($"dnsmasq did not answer within {Eventually.DefaultTimeout.TotalSeconds} s");
        }
    }

    /// <summary>True when a query for a name under <c>example</c> gets any answer.</summary>
    private bool Answers()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.ReceiveTimeout = 200;
        byte[] query = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 5, (byte)'r', (byte)'e', (byte)'a', (byte)'d', (byte)'y', 7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 0, 0, 1, 0, 1];
        try
        {
            socket.SendTo(query, EndPoint);
            var buffer = new byte[512];
            return socket.Receive(buffer) >= 12;
        }
        catch (SocketException)
        {
            return false; // not listening yet: the port answered with ICMP unreachable
        }
    }

    private static int FreePort()
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
        return port;
    }

    private Socket? TryBind(SocketType type, ProtocolType protocol)
    {
        var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        try
        {
            socket.Bind(EndPoint);
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null; // already taken in the instant since the kill: nothing this server can do about it
        }
    }

    private void Release()
    {
        _heldUdp?.Dispose();
        _heldTcp?.Dispose();
        (_heldUdp, _heldTcp) = (null, null);
    }
}
