namespace Tern.Cli.Demo;

/// <summary>The demo's retransmission timing: the protocol's schedule (2 s doubling) compressed so the run takes seconds.</summary>
internal sealed record DemoTiming(TimeSpan InitialRetransmit, TimeSpan MaxRetransmit)
{
    public static DemoTiming Compressed { get; } = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(800));
}
