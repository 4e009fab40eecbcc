namespace Tern.Load.Open;

/// <summary>One send on the timeline: its sequence number, its due timestamp and whether it falls in the measured phase.</summary>
internal readonly record struct ScheduledSend(long Sequence, long Due, bool Measured);
