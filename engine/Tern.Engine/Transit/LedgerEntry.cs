namespace Tern.Engine.Transit;

/// <summary>Mutable counters of one account or domain; guarded by the store's index lock.</summary>
internal sealed class LedgerEntry
{
    public long LiveBytes;
    public double ByteSeconds;
    public long LastChangeMs;
    public long Outstanding;
    public long Fetched;
    public long Expired;
    public long Retracted;
    public long Transferred;

    /// <summary>Bytes of submissions still streaming in: counted by quotas, not charged yet.</summary>
    public long ReservedBytes;

    /// <summary>Integrates live bytes up to <paramref name="nowMs"/>; time never runs backwards here.</summary>
    public void Advance(long nowMs)
    {
        if (nowMs > LastChangeMs)
        {
            ByteSeconds += LiveBytes * ((nowMs - LastChangeMs) / 1000.0);
            LastChangeMs = nowMs;
        }
    }

    public void Count(DeliveryState state, long delta)
    {
        switch (state)
        {
            case DeliveryState.Outstanding: Outstanding += delta; break;
            case DeliveryState.Fetched: Fetched += delta; break;
            case DeliveryState.Retracted: Retracted += delta; break;
            case DeliveryState.Expired: Expired += delta; break;
            case DeliveryState.Transferred: Transferred += delta; break;
        }
    }

    public TransitStats ToStats(long nowMs)
    {
        var byteSeconds = ByteSeconds + (nowMs > LastChangeMs ? LiveBytes * ((nowMs - LastChangeMs) / 1000.0) : 0);
        return new TransitStats(LiveBytes, byteSeconds, Outstanding, Fetched, Expired, Retracted, Transferred);
    }
}
