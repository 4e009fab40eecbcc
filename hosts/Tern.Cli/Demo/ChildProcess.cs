using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tern.Cli.Demo;

/// <summary>
/// A child process the demo started (a node, dnsmasq): its output kept for a failure's message, stopped with SIGTERM
/// and waited for, killed with its children when disposed unless it exited first.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _standardOutput = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        process.OutputDataReceived += (_, e) => Append(e.Data, standardOutput: true);
        process.ErrorDataReceived += (_, e) => Append(e.Data, standardOutput: false);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the process wrote to standard output and error so far, the last <paramref name="lines"/> lines.</summary>
    public string Tail(int lines = 40)
    {
        lock (_output)
        {
            var all = _output.ToString().Split('\n');
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
    }

    /// <summary>What the process wrote to standard output alone.</summary>
    public string StandardOutput
    {
        get
        {
            lock (_output)
            {
                return _standardOutput.ToString();
            }
        }
    }

    /// <summary>Everything written so far, standard output and error.</summary>
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

    public static ChildProcess Start(ProcessStartInfo start, string name)
    {
        var process = Process.Start(start) ?? throw new DemoException($"{name}: {start.FileName} did not start");
        return new ChildProcess(process, name);
    }

    /// <summary>Sends SIGTERM, as systemd stops a service. There is no managed call for it: kill(1) sends it.</summary>
    public void Terminate()
    {
        if (_process.HasExited)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new DemoException($"{Name}: kill did not start");
        kill.WaitForExit();
    }

    /// <summary>Waits for the exit; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        _process.Dispose();
    }

    private void Append(string? line, bool standardOutput)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
                if (standardOutput)
                {
                    _standardOutput.AppendLine(line);
                }
            }
        }
    }
}
