namespace Tern.LinkEmulator;

/// <summary>A real timer whose due time and period are given in a <see cref="ScaledTimeProvider"/>'s scaled time.</summary>
internal sealed class ScaledTimer : ITimer
{
    private readonly ScaledTimeProvider _clock;
    private readonly ITimer _inner;

    public ScaledTimer(ScaledTimeProvider clock, ITimer inner)
    {
        _clock = clock;
        _inner = inner;
    }

    public bool Change(TimeSpan dueTime, TimeSpan period) => _inner.Change(_clock.ToReal(dueTime), _clock.ToReal(period));

    public void Dispose() => _inner.Dispose();

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
