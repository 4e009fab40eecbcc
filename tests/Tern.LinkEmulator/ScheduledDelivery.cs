namespace Tern.LinkEmulator;

/// <summary>A datagram or segment waiting on the pacing thread.</summary>
internal readonly record struct ScheduledDelivery(IDeliverySink Sink, byte[] Buffer, int Length);
