using System.Diagnostics;
using System.Globalization;

namespace Tern.Economics;

/// <summary>
/// <c>perf record -F 2999 -g</c> attached to one process until disposed (SIGINT, so perf writes its file): the profile of
/// b.example over a campaign's window (bench/profile-economics.sh; the nodes need <c>DOTNET_PerfMapEnabled=1</c>).
/// </summary>
internal sealed class PerfRecord : IDisposable
{
    private readonly Process _perf;

    private PerfRecord(Process perf) => _perf = perf;

    public static PerfRecord Start(int processId, string output)
    {
        var start = new ProcessStartInfo("perf") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in new[] { "record", "-F", "2999", "-g", "-o", output, "-p", processId.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        var perf = Process.Start(start)!;
        perf.ErrorDataReceived += (_, _) => { };
        perf.BeginErrorReadLine();
        Thread.Sleep(200); // perf attaches before the window's first snapshot
        return new PerfRecord(perf);
    }

    public void Dispose()
    {
        if (!_perf.HasExited)
        {
            using var signal = Process.Start("kill", ["-INT", _perf.Id.ToString(CultureInfo.InvariantCulture)]);
            signal.WaitForExit();
        }

        _perf.WaitForExit();
        _perf.Dispose();
    }
}
