using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tern.Load.Kill;

/// <summary>
/// What the clients were told, as the run's checks need it: every acknowledged submission, every reference carol's polls
/// listed, every stored message a client read back and found intact, and every problem found on the way. Thread-safe.
/// </summary>
internal sealed class KillLedger
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, Acknowledged> _byMessage = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Acknowledged> _byPayload = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _carolSeen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _verified = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(ViolationKind Kind, string What)> _violations = new();
    private readonly ConcurrentDictionary<string, long> _pullAnswers = new(StringComparer.Ordinal);

    /// <summary>Milliseconds since the run began.</summary>
    public long NowMs => _clock.ElapsedMilliseconds;

    public int AcknowledgedCount => _byMessage.Count;

    public void Acknowledge(Acknowledged submission)
    {
        _byMessage[submission.MessageId] = submission;
        _byPayload[submission.PayloadHash] = submission;
    }

    public IReadOnlyList<Acknowledged> AcknowledgedSnapshot() => [.. _byMessage.Values];

    public Acknowledged? ByPayloadHash(string payloadHash) => _byPayload.GetValueOrDefault(payloadHash);

    /// <summary>A reference carol's poll listed (its capability); true the first time.</summary>
    public bool CarolSaw(string capability) => _carolSeen.TryAdd(capability, NowMs);

    public HashSet<string> CarolSeenSnapshot() => new(_carolSeen.Keys, StringComparer.Ordinal);

    public int CarolSeenCount => _carolSeen.Count;

    /// <summary>A stored message (its id) read back whole and intact, as message <paramref name="sequence"/>.</summary>
    public void Verified(string storedId, long sequence) => _verified[storedId] = sequence;

    public bool IsVerified(string storedId) => _verified.ContainsKey(storedId);

    public HashSet<string> VerifiedSnapshot() => new(_verified.Keys, StringComparer.Ordinal);

    public int VerifiedCount => _verified.Count;

    public void CountPullAnswer(string answer) => _pullAnswers.AddOrUpdate(answer, 1, static (_, n) => n + 1);

    public IReadOnlyDictionary<string, long> PullAnswers => _pullAnswers;

    /// <summary>A broken guarantee: the run fails with it.</summary>
    public void Violation(ViolationKind kind, string what) => _violations.Enqueue((kind, $"[{NowMs / 1000.0:F1} s] {what}"));

    public IReadOnlyList<(ViolationKind Kind, string What)> Violations => [.. _violations];
}
