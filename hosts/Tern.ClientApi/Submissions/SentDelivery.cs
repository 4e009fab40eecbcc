using Tern.Engine.Protocol;

namespace Tern.ClientApi.Submissions;

/// <summary>One recipient of a submitted message: its fetch capability in the transit store and the id the client sees.</summary>
internal sealed class SentDelivery
{
    public SentDelivery(FetchCapability capability, string domain, RecipientHash hash)
    {
        Capability = capability;
        Domain = domain;
        Hash = hash;
        Id = DeliveryIds.Of(capability);
    }

    public FetchCapability Capability { get; }

    public string Domain { get; }

    public RecipientHash Hash { get; }

    /// <summary>The delivery id (<see cref="DeliveryIds"/>).</summary>
    public string Id { get; }
}
