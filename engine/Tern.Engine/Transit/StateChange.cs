using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

/// <summary>A delivery state change carried by one journal entry: the deliveries it moves out of Outstanding.</summary>
internal sealed record StateChange(DeliveryState To, FetchCapability[] Capabilities, long AtMs);
