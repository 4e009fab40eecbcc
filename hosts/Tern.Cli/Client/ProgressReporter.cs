namespace Tern.Cli.Client;

/// <summary>
/// A progress bar on standard error for transfers of at least <see cref="MinimumBytes"/>, redrawn at most ten times a
/// second; nothing when standard error is not a terminal, so scripts and <c>--json</c> output stay clean.
/// </summary>
internal sealed class ProgressReporter
{
    public const long MinimumBytes = 4L << 20;
    private const int Width = 30;
    private readonly TextWriter? _error;
    private readonly string _label;
    private readonly long _total;
    private readonly long _start;
    private long _lastDraw;
    private long _done;

    public ProgressReporter(CliContext context, string label, long total, long alreadyDone = 0)
    {
        _error = context.Interactive && total >= MinimumBytes ? context.Error : null;
        _label = label;
        _total = total;
        _done = alreadyDone;
        _start = Environment.TickCount64;
    }

    public void Add(int bytes)
    {
        _done += bytes;
        if (_error is not null && Environment.TickCount64 - _lastDraw >= 100)
        {
            _lastDraw = Environment.TickCount64;
            Draw();
        }
    }

    public void Finish()
    {
        if (_error is not null)
        {
            Draw();
            _error.WriteLine();
        }
    }

    private void Draw()
    {
        var fraction = _total == 0 ? 1 : Math.Min(1, (double)_done / _total);
        var filled = (int)(fraction * Width);
        var seconds = Math.Max(0.001, (Environment.TickCount64 - _start) / 1000.0);
        _error!.Write($"\r{_label} [{new string('#', filled)}{new string('.', Width - filled)}] {fraction,4:P0} {_done >> 20}/{_total >> 20} MiB {_done / seconds / (1 << 20):F1} MiB/s ");
    }
}
