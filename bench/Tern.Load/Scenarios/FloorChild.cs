using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;

namespace Tern.Load.Scenarios;

/// <summary>The baseline server (<see cref="FloorServer"/>) as a child process of this tool: its addresses and process id; killed when disposed.</summary>
internal sealed class FloorChild : IAsyncDisposable
{
    private readonly Process _process;

    private FloorChild(Process process, Uri http, IPEndPoint udp)
    {
        _process = process;
        Http = http;
        Udp = udp;
    }

    public Uri Http { get; }

    public IPEndPoint Udp { get; }

    public int ProcessId => _process.Id;

    public static async Task<FloorChild> StartAsync(string directory, int blobBytes)
    {
        Directory.CreateDirectory(directory);
        var portFile = Path.Combine(directory, "floor.port");
        File.Delete(portFile);
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        start.ArgumentList.Add("load-floor-serve");
        start.ArgumentList.Add(portFile);
        start.ArgumentList.Add(blobBytes.ToString(CultureInfo.InvariantCulture));
        var process = Process.Start(start)!;
        var watch = Stopwatch.StartNew();
        while (!File.Exists(portFile))
        {
            if (process.HasExited || watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                process.Kill();
                throw new InvalidOperationException("the floor server did not start");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        var parts = (await File.ReadAllTextAsync(portFile).ConfigureAwait(false)).Split(' ');
        return new FloorChild(process, new Uri(parts[0]), IPEndPoint.Parse(parts[1]));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }
}
