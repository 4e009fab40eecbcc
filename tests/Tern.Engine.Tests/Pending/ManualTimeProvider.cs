namespace Tern.Engine.Tests.Pending;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualTimeProvider(long nowMs) : TimeProvider
{
    public long NowMs { get; set; } = nowMs;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
}
