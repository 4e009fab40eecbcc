using Tern.Engine.Transit;

namespace Tern.Engine.Delivery;

/// <summary>A due entry with the delivery it reads from, waiting in its peer's queue for the next datagram.</summary>
internal readonly struct OutgoingRecord(ScheduledNotice notice, DeliveryInfo delivery)
{
    public ScheduledNotice Notice { get; } = notice;

    public DeliveryInfo Delivery { get; } = delivery;
}
