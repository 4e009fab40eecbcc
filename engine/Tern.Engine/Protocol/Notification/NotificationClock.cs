namespace Tern.Engine.Protocol.Notification;

/// <summary>The time rules a receiver applies to an opened datagram (docs/PROTOCOL.md §4.4).</summary>
public static class NotificationClock
{
    private static readonly long MaxSkewMs = (long)NotificationLimits.MaxClockSkew.TotalMilliseconds;
    private static readonly long MaxAgeMs = (long)NotificationLimits.MaxAge.TotalMilliseconds;

    /// <summary>Checks <c>sent_at</c> against the receiver's clock: not older than 600 s, not more than 120 s ahead.</summary>
    public static DropReason CheckSentAt(long sentAtMs, long nowMs)
        => sentAtMs < nowMs - MaxAgeMs ? DropReason.Stale
         : sentAtMs > nowMs + MaxSkewMs ? DropReason.Future
         : DropReason.None;

    /// <summary>Checks a record's transit expiry: still ahead, and within <paramref name="maxTransit"/> plus the skew.</summary>
    public static DropReason CheckExpiry(long transitExpiryMs, long nowMs, TimeSpan maxTransit)
        => transitExpiryMs <= nowMs ? DropReason.Expired
         : transitExpiryMs - nowMs > (long)maxTransit.TotalMilliseconds + MaxSkewMs ? DropReason.ExpiryTooFar
         : DropReason.None;
}
