using Tern.Engine.Transit;

namespace Tern.Engine.Delivery;

/// <summary>
/// A due entry with the delivery it reads from, waiting in its peer's queue for the next datagram. Fields, not
/// properties, so the packing loop reads the (large) snapshot by reference instead of copying it.
/// </summary>
internal readonly struct OutgoingRecord(ScheduledNotice notice, DeliveryInfo delivery)
{
    public readonly ScheduledNotice Notice = notice;

    public readonly DeliveryInfo Delivery = delivery;
}
