using Tern.Engine.Notify;
using Tern.Engine.Protocol;

namespace Tern.Engine.Bulk;

/// <summary>Two holds as one for the scheduler: a delivery is held when either holds it (custody routes first, then bulk next hops).</summary>
public sealed class DeliveryHolds(IDeliveryHold first, IDeliveryHold second) : IDeliveryHold
{
    /// <inheritdoc/>
    public bool IsHeld(MessageId messageId, string domain) => first.IsHeld(messageId, domain) || second.IsHeld(messageId, domain);

    /// <summary><paramref name="first"/>, <paramref name="second"/>, or both combined; null when neither is set.</summary>
    public static IDeliveryHold? Of(IDeliveryHold? first, IDeliveryHold? second) =>
        first is null ? second : second is null ? first : new DeliveryHolds(first, second);
}
