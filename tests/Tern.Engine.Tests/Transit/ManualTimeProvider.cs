namespace Tern.Engine.Tests.Transit;

/// <summary>A clock the test moves by hand. Timers stay on real time; the stores under test run maintenance by hand.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
