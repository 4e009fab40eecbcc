using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Tern.Node;

namespace Tern.Load.Nodes;

/// <summary>
/// <c>tern run --data-dir</c> as a child process, as an operator starts it: ready when its <c>state/ports.json</c> names
/// its process id; its CPU time and resident memory read from <c>/proc/&lt;pid&gt;</c> (<see cref="ProcStat"/>); stopped with SIGTERM.
/// </summary>
internal sealed class NodeChild : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _log;
    private bool _disposed;

    private NodeChild(Process process, string log, NodePorts ports)
    {
        _process = process;
        _log = log;
        Ports = ports;
    }

    public NodePorts Ports { get; }

    public int ProcessId => _process.Id;

    /// <summary>Starts <c>dotnet <paramref name="ternDll"/> run --data-dir <paramref name="directory"/></c>, its output appended to <c>node.log</c> there; waits until it is ready.</summary>
    public static async Task<NodeChild> StartAsync(string ternDll, string directory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var log = Path.Combine(directory, "node.log");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(ternDll);
        start.ArgumentList.Add("run");
        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(directory);
        var process = Process.Start(start)!;
        // Appended to: a node started again on its directory (after a kill, say) keeps the log of the runs before.
        var writer = new StreamWriter(log, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(writer, e.Data);
        process.ErrorDataReceived += (_, e) => Write(writer, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (TryReadPorts(directory) is { } ports && ports.ProcessId == process.Id)
            {
                return new NodeChild(process, log, ports);
            }

            if (process.HasExited || watch.Elapsed > ReadyTimeout)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"tern run --data-dir {directory} did not become ready (exit {(process.HasExited ? process.ExitCode : -1)}); see {log}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the process has ended (killed, or it stopped by itself).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL, as a crash or the kernel's OOM killer ends a process, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>SIGTERM, then waits for the exit; a node that does not stop in time is killed and reported. A second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync().ConfigureAwait(false);
            }

            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await Console.Error.WriteLineAsync($"tern run (pid {_process.Id}) did not stop within {StopTimeout}; killed; see {_log}").ConfigureAwait(false);
            }
        }

        _process.Dispose();
    }

    private static NodePorts? TryReadPorts(string directory)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(TernDataDirectory.PortsFile(directory)), NodePortsJson.Default.NodePorts);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    private static void Write(StreamWriter writer, string? line)
    {
        if (line is not null)
        {
            lock (writer)
            {
                writer.WriteLine(line);
            }
        }
    }
}
