using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Tern.Node.Tests;

/// <summary><c>tern run</c> as a child process: started with switches, found through <c>state/ports.json</c>, stopped with a signal.</summary>
public sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dataDirectory;

    private NodeProcess(Process process, string dataDirectory)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>The node's process id.</summary>
    public int ProcessId => _process.Id;

    public static NodeProcess Start(string dataDirectory, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? string.Empty };
        start.ArgumentList.Add(BuiltAssembly.Path("hosts/Tern.Cli", "tern.dll"));
        start.ArgumentList.Add("run");
        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(dataDirectory);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new NodeProcess(Process.Start(start)!, dataDirectory);
    }

    /// <summary>Waits for this process's <c>state/ports.json</c> (the node is then ready) and returns it.</summary>
    public async Task<NodePorts> WaitReadyAsync()
    {
        NodePorts? ports = null;
        var ready = await Eventually.TrueAsync(() =>
        {
            ports = TryReadPorts();
            return (ports is not null && ports.ProcessId == _process.Id) || _process.HasExited;
        }, TimeSpan.FromSeconds(60));
        Assert.True(ready && !_process.HasExited, $"tern run did not become ready\n{Output}");
        return ports!;
    }

    /// <summary>Sends SIGTERM, as systemd stops the service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Sends SIGTERM and asserts the process exits 0 within <paramref name="bound"/>.</summary>
    public async Task StopAsync(TimeSpan bound)
    {
        Terminate();
        Assert.True(await WaitForExitAsync(bound), $"not stopped within {bound}\n{Output}");
        Assert.True(ExitCode == 0, Output);
    }

    /// <summary>Sends SIGKILL: the process gets no chance to save anything.</summary>
    public void KillHard()
    {
        using var kill = Process.Start("kill", ["-KILL", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
        _process.WaitForExit();
    }

    /// <summary>Waits for the exit; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private NodePorts? TryReadPorts()
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(TernDataDirectory.PortsFile(_dataDirectory)), NodePortsJson.Default.NodePorts);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
