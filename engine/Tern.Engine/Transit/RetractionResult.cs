namespace Tern.Engine.Transit;

/// <summary>
/// Outcome of <see cref="TransitStore.RetractAsync"/> (docs/PROTOCOL.md §11): the deliveries retracted before a fetch
/// (notice without <c>after_fetch</c>) and those already fetched (notice with <c>after_fetch</c>). Deliveries that were
/// already retracted, expired or transferred appear in neither list. Both are empty for an unknown message or account.
/// </summary>
public sealed class RetractionResult
{
    internal RetractionResult(IReadOnlyList<DeliveryInfo> retracted, IReadOnlyList<DeliveryInfo> alreadyFetched)
    {
        Retracted = retracted;
        AlreadyFetched = alreadyFetched;
    }

    /// <summary>Deliveries now retracted: their capabilities answer not-found.</summary>
    public IReadOnlyList<DeliveryInfo> Retracted { get; }

    /// <summary>Deliveries fetched before the retraction.</summary>
    public IReadOnlyList<DeliveryInfo> AlreadyFetched { get; }
}
