using System.Numerics;

namespace Tern.Engine.Ingest;

/// <summary>
/// Each source's share of the key agreements the ingest spends on new sender keys (docs/PROTOCOL.md §4.4,
/// docs/ARCHITECTURE.md §3.6): a token bucket per source, and a penalty for a source whose derived key did not open
/// its datagram — no new key from it for a while, doubled for each further failure. A forger fails every time and
/// so gets about one agreement per penalty; a real sender never fails and keeps its whole rate.
/// </summary>
/// <remarks>
/// Sources are the <see cref="SourcePrefix"/> hashes. The table is fixed (sets of <see cref="Ways"/> entries tagged
/// with the whole hash), so memory is bounded whatever the number of sources and two sources rarely share state: a
/// shared slot would hand one source's penalty to the other. A new source takes a free entry of its set, or the one
/// with least to lose (an idle one without failures first), but never one whose penalty is running: forgetting it
/// would hand a forger a new agreement each time its set overflows. When all of a set's entries are blocked, its new
/// sources share the set's one overflow entry, and its penalty. Not thread-safe: one per ingest loop. Time is in ms
/// from the caller.
/// </remarks>
internal sealed class ColdKeySources
{
    /// <summary>Entries per set, besides its overflow entry.</summary>
    public const int Ways = 8;

    private const int Stride = Ways + 1;

    private const int MaxStrikes = 20;

    private readonly Entry[] _entries;
    private readonly int _setMask;
    private readonly double _ratePerMs;
    private readonly double _burst;
    private readonly long _penaltyMs;
    private readonly long _maxPenaltyMs;
    private readonly Random _jitter = new();

    /// <summary>
    /// Creates room for about <paramref name="entries"/> sources, each allowed <paramref name="ratePerSecond"/> new keys a
    /// second up to <paramref name="burst"/>, blocked for <paramref name="penalty"/> (doubling up to
    /// <paramref name="maxPenalty"/>, each time × a random factor in [0.5, 1]) after a failure.
    /// </summary>
    public ColdKeySources(int entries, double ratePerSecond, double burst, TimeSpan penalty, TimeSpan maxPenalty)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(entries, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        var sets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, entries / Ways));
        _entries = new Entry[sets * Stride];
        _setMask = sets - 1;
        _ratePerMs = ratePerSecond / 1000;
        _burst = burst;
        _penaltyMs = (long)penalty.TotalMilliseconds;
        _maxPenaltyMs = Math.Max(_penaltyMs, (long)maxPenalty.TotalMilliseconds);
    }

    /// <summary>
    /// Finds or makes the entry of <paramref name="source"/> and says whether it may have a new key now: the entry's
    /// index (valid until the next call), or -1 when the source is blocked or its bucket is empty. Takes nothing:
    /// <see cref="Spend"/> does once the agreement is made. <paramref name="retry"/> says the source was refused this
    /// very key by the global budget last time (a sender retransmitting), which draws on a reserved share.
    /// </summary>
    public int TryAdmit(int source, ulong keyPrefix, long nowMs, out bool retry)
    {
        var index = Find(source, nowMs);
        ref var entry = ref _entries[index];
        retry = false;
        if (nowMs < entry.BlockedUntilMs)
        {
            return -1;
        }

        entry.Tokens = Math.Min(_burst, entry.Tokens + ((nowMs - entry.UpdatedAtMs) * _ratePerMs));
        entry.UpdatedAtMs = nowMs;
        if (entry.Tokens < 1)
        {
            return -1;
        }

        retry = entry.RefusedKey != 0 && entry.RefusedKey == (keyPrefix | 1);
        return index;
    }

    /// <summary>Charges an agreement made for the source of <paramref name="index"/>.</summary>
    public void Spend(int index)
    {
        ref var entry = ref _entries[index];
        entry.Tokens -= 1;
        entry.RefusedKey = 0;
    }

    /// <summary>Remembers the key the global budget refused the source of <paramref name="index"/>, so its retransmission is a retry.</summary>
    public void RefusedGlobally(int index, ulong keyPrefix) => _entries[index].RefusedKey = keyPrefix | 1;

    /// <summary>The key derived for the source of <paramref name="index"/> did not open its datagram: block the source.</summary>
    public void Failed(int index, long nowMs)
    {
        ref var entry = ref _entries[index];
        entry.Strikes = (byte)Math.Min(MaxStrikes, entry.Strikes + 1);
        var penalty = Math.Min(_maxPenaltyMs, _penaltyMs << Math.Min(entry.Strikes - 1, 30));

        // Jittered, so that sources blocked together (a flood's first seconds) do not come back together.
        entry.BlockedUntilMs = nowMs + (long)(penalty * (0.5 + (_jitter.NextDouble() / 2)));
    }

    /// <summary>The key derived for the source of <paramref name="index"/> opened its datagram: its failures are forgiven.</summary>
    public void Verified(int index) => _entries[index].Strikes = 0;

    private int Find(int source, long nowMs)
    {
        var set = (source & _setMask) * Stride;
        var victim = -1;
        var victimCost = long.MaxValue;
        for (var i = set; i < set + Ways; i++)
        {
            ref var entry = ref _entries[i];
            if (entry.Used && entry.Source == source)
            {
                return i;
            }

            var cost = Cost(entry, nowMs);
            if (cost < victimCost)
            {
                victim = i;
                victimCost = cost;
            }
        }

        if (victim < 0)
        {
            // Every entry of the set is blocked: newcomers share the overflow entry (never evicted).
            victim = set + Ways;
            if (!_entries[victim].Used)
            {
                _entries[victim] = new Entry { Used = true, Source = source, Tokens = _burst, UpdatedAtMs = nowMs };
            }

            return victim;
        }

        _entries[victim] = new Entry { Used = true, Source = source, Tokens = _burst, UpdatedAtMs = nowMs };
        return victim;
    }

    /// <summary>What forgetting an entry loses, lowest first: nothing (free), a bucket, past strikes; a running penalty is never forgotten.</summary>
    private static long Cost(in Entry entry, long nowMs)
    {
        if (!entry.Used)
        {
            return long.MinValue;
        }

        if (nowMs < entry.BlockedUntilMs)
        {
            return long.MaxValue;
        }

        // Unblocked: the least recently seen goes first, one without strikes before one with.
        return (entry.Strikes == 0 ? 0 : long.MaxValue / 4) + Math.Min(entry.UpdatedAtMs, long.MaxValue / 8);
    }

    private struct Entry
    {
        public int Source;
        public bool Used;
        public byte Strikes;
        public double Tokens;
        public long UpdatedAtMs;
        public long BlockedUntilMs;
        public ulong RefusedKey;
    }
}
