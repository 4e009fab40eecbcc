using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    // The delivery scheduler's path (docs/ARCHITECTURE.md §4): it holds index records by reference once found, so a
    // retransmission costs no dictionary lookup — on a large index each lookup is a cache miss or two.

    /// <summary>The index record of <paramref name="capability"/>, or null.</summary>
    internal DeliveryEntry? FindDelivery(FetchCapability capability)
    {
        lock (_index)
        {
            return _deliveries.TryGetValue(capability, out var d) ? d : null;
        }
    }

    /// <summary>A consistent snapshot of a delivery found with <see cref="FindDelivery"/>.</summary>
    internal DeliveryInfo Snapshot(DeliveryEntry delivery)
    {
        lock (_index)
        {
            return delivery.ToInfo();
        }
    }

    /// <summary><see cref="RecordAttemptAsync"/> for a delivery found with <see cref="FindDelivery"/>.</summary>
    internal bool RecordAttempt(DeliveryEntry delivery, int attempt, long nextAttemptMs)
    {
        lock (_index)
        {
            if (delivery.State != DeliveryState.Pending)
            {
                return false;
            }

            delivery.Attempt = attempt;
            delivery.NextAttemptMs = nextAttemptMs;
            return true;
        }
    }
}
