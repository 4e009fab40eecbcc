using System.Diagnostics;

namespace Tern.Economics;

/// <summary>This program started again in another role, spoken to by lines on its stdin and stdout.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    public ChildProcess(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
    }

    public int ProcessId => _process.Id;

    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>The next line starting with <paramref name="word"/>, split into words; other lines are echoed.</summary>
    public string[] Expect(string word)
    {
        while (_process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(word, StringComparison.Ordinal))
            {
                return line.Split(' ');
            }

            Console.WriteLine($"  child {_process.Id}: {line}");
        }

        throw new InvalidOperationException($"child {_process.Id} ended before printing {word}");
    }

    public void Dispose()
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
