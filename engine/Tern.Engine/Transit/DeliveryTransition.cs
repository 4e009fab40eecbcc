using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

/// <summary>One delivery leaving Outstanding (docs/ARCHITECTURE.md §3.2), as <see cref="TransitStore.Transitioned"/> reports it.</summary>
/// <param name="Account">The account that submitted the message.</param>
/// <param name="MessageId">The message.</param>
/// <param name="Capability">The delivery's capability.</param>
/// <param name="State">Its new, final state.</param>
public readonly record struct DeliveryTransition(string Account, MessageId MessageId, FetchCapability Capability, DeliveryState State)
{
    /// <summary>The delivery's destination domain.</summary>
    public string Domain { get; init; } = "";

    /// <summary>The blob's payload size in bytes.</summary>
    public long Size { get; init; }
}
