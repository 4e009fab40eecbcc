namespace Tern.Node;

/// <summary>The configuration sections the node binds, one per options class (docs/OPERATIONS.md lists every key).</summary>
public static class TernSections
{
    /// <summary><see cref="TernNodeOptions"/>.</summary>
    public const string Node = "Tern:Node";

    /// <summary>The transit store's options.</summary>
    public const string Transit = "Tern:Transit";

    /// <summary>The pending table's options.</summary>
    public const string Pending = "Tern:Pending";

    /// <summary>The message store's options.</summary>
    public const string Messages = "Tern:Messages";

    /// <summary>The notification scheduler's options (<c>NotificationSchedulerOptions</c>).</summary>
    public const string Delivery = "Tern:Delivery";

    /// <summary>The notification ingest's options.</summary>
    public const string Ingest = "Tern:Ingest";

    /// <summary>The UDP notification listener's options.</summary>
    public const string Udp = "Tern:Udp";

    /// <summary>The pull journal's options (<c>PullJournalOptions</c>; its durability follows <see cref="Messages"/>).</summary>
    public const string PullJournal = "Tern:PullJournal";

    /// <summary>The pull worker's options.</summary>
    public const string Pull = "Tern:Pull";

    /// <summary>The fetch doors' options.</summary>
    public const string Fetch = "Tern:Fetch";

    /// <summary>Discovery's caching and sources.</summary>
    public const string Discovery = "Tern:Discovery";

    /// <summary>Discovery's network clients.</summary>
    public const string DiscoveryNetwork = "Tern:DiscoveryNetwork";

    /// <summary>The descriptor the node serves at <c>/.well-known/tern</c> (<see cref="WellKnownOptions"/>).</summary>
    public const string WellKnown = "Tern:WellKnown";

    /// <summary>Destination domain → gateway domain: deliveries offered to a gateway instead of notified (docs/PROTOCOL.md §10.5).</summary>
    public const string Routes = "Tern:Routes";

    /// <summary>How a sender repeats its offers to gateways (<c>CustodySenderOptions</c>, but for its routes).</summary>
    public const string Custody = "Tern:Custody";

    /// <summary>What a node in the Gateway role takes responsibility for (<c>CustodyGatewayOptions</c>).</summary>
    public const string Gateway = "Tern:Gateway";

    /// <summary>A gateway's bulk port and next hops (<see cref="BulkGatewayOptions"/>, docs/PROTOCOL.md §17).</summary>
    public const string GatewayBulk = "Tern:Gateway:Bulk";

    /// <summary>The bulk sender's knobs (<c>BulkSenderOptions</c>).</summary>
    public const string GatewayBulkSender = "Tern:Gateway:Bulk:Sender";

    /// <summary>The bulk receiver's limits and allow list of sending gateways (<c>BulkReceiverOptions</c>).</summary>
    public const string GatewayBulkReceiver = "Tern:Gateway:Bulk:Receiver";

    /// <summary>Where a gateway's contact plan is read from (<c>ContactPlanOptions</c>).</summary>
    public const string Contacts = "Tern:Contacts";

    /// <summary>The pending table's periodic checkpoint and expiry sweep (<see cref="PendingMaintenanceOptions"/>).</summary>
    public const string PendingMaintenance = "Tern:PendingMaintenance";
}
