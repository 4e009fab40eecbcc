namespace Tern.Node;

/// <summary>What a node is for (<c>Tern:Node:Role</c>).</summary>
public enum NodeRole
{
    /// <summary>A domain's own node: its users send and receive through it.</summary>
    Domain = 0,

    /// <summary>
    /// A blind gateway (docs/PROTOCOL.md §10): takes responsibility for other domains' blobs on
    /// <c>POST /v1/custody/offers</c> (its HTTP door is required), notifies and serves them in their senders' place, and
    /// says <c>gateway: true</c> in its descriptor.
    /// </summary>
    Gateway = 1,
}
