using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tern.Cli.Demo;

/// <summary>
/// Debian's dnsmasq on 127.0.0.1, in the foreground and unprivileged, answering for the zone the demo writes (TXT, SRV
/// and address records under <c>example</c>, NXDOMAIN for every other name there) and nothing else. dnsmasq cannot bind
/// port 0, so a free port is found by binding and releasing it; another process can take it in between, and
/// <see cref="StartAsync"/> then tries another.
/// </summary>
internal sealed class DemoDns : IDisposable
{
    private static readonly string[] Candidates = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"];
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);
    private readonly string _directory;
    private ChildProcess? _process;

    private DemoDns(string directory, int port)
    {
        _directory = directory;
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
    }

    /// <summary>Where the server answers.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The dnsmasq binary, or null when it is not installed (`make demo` installs dnsmasq-base).</summary>
    public static string? Binary => Candidates.FirstOrDefault(File.Exists);

    /// <summary>Starts dnsmasq serving <paramref name="records"/> (dnsmasq configuration lines) on a free port.</summary>
    public static async Task<DemoDns> StartAsync(string directory, IReadOnlyList<string> records)
    {
        if (Binary is null)
        {
            throw new DemoException("dnsmasq is not installed: `make demo` installs it (apt-get install dnsmasq-base)");
        }

        DemoException? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var dns = new DemoDns(directory, FreePort());
            try
            {
                await dns.LaunchAsync(records).ConfigureAwait(false);
                return dns;
            }
            catch (DemoException e)
            {
                last = e;
                dns.Dispose();
            }
        }

        throw new DemoException($"dnsmasq did not start on any of 5 free ports: {last?.Message}", last!);
    }

    /// <summary>Serves <paramref name="records"/> instead, on the same port (dnsmasq reads SRV and TXT records only at start).</summary>
    public Task ReplaceZoneAsync(IReadOnlyList<string> records)
    {
        Stop();
        return LaunchAsync(records);
    }

    public void Dispose() => Stop();

    /// <summary>Stops dnsmasq (it exits at once on SIGTERM).</summary>
    public void Stop()
    {
        if (_process is { } process)
        {
            process.Terminate();
            _ = process.WaitForExitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            process.Dispose(); // kills it if SIGTERM did not
            _process = null;
        }
    }

    private async Task LaunchAsync(IReadOnlyList<string> records)
    {
        var config = Path.Combine(_directory, "dnsmasq.conf");
        await File.WriteAllLinesAsync(config, ["local=/example/", .. records]).ConfigureAwait(false);
        var start = new ProcessStartInfo(Binary!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--keep-in-foreground", $"--conf-file={config}", string.Create(CultureInfo.InvariantCulture, $"--port={EndPoint.Port}"),
            "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--no-poll", "--local-ttl=60",
            "--pid-file=", $"--user={Environment.UserName}", "--log-facility=-", "--cache-size=0",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = ChildProcess.Start(start, "dnsmasq");
        var clock = Stopwatch.StartNew();
        while (!_process.HasExited && !Answers())
        {
            if (clock.Elapsed > AnswerTimeout)
            {
                throw new DemoException($"dnsmasq did not answer on {EndPoint} within {AnswerTimeout.TotalSeconds:F0} s\n{_process.Tail()}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        if (_process.HasExited)
        {
            throw new DemoException($"dnsmasq exited with {_process.ExitCode} on port {EndPoint.Port}: {_process.Tail().Trim()}");
        }
    }

    /// <summary>True when a query for a name under <c>example</c> gets an answer (dnsmasq is listening).</summary>
    private bool Answers()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.ReceiveTimeout = 200;
        // A standard query for ready.example A: header (id, RD, one question), the name, type A, class IN.
        byte[] query = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 5, .. "ready"u8, 7, .. "example"u8, 0, 0, 1, 0, 1];
        try
        {
            socket.SendTo(query, EndPoint);
            return socket.Receive(new byte[512]) >= 12;
        }
        catch (SocketException)
        {
            return false; // not listening yet: ICMP port unreachable, or the receive timed out
        }
    }

    /// <summary>A port free for both UDP and TCP on 127.0.0.1 (dnsmasq binds both), released for dnsmasq to take.</summary>
    private static int FreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            try
            {
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
                // Its TCP twin is taken: another port.
            }
        }
    }
}
