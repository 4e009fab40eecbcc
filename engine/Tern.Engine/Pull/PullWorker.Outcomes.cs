namespace Tern.Engine.Pull;

public sealed partial class PullWorker
{
    private readonly long[] _outcomes = new long[Enum.GetValues<PullOutcome>().Length];

    /// <summary>Pulls that ended with <paramref name="outcome"/> since start, through the queue or <see cref="PullAsync"/>.</summary>
    public long Outcomes(PullOutcome outcome) => Interlocked.Read(ref _outcomes[(int)outcome]);

    private PullResult Count(PullResult result)
    {
        Interlocked.Increment(ref _outcomes[(int)result.Outcome]);
        return result;
    }
}
