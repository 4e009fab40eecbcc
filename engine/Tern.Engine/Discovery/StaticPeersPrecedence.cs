namespace Tern.Engine.Discovery;

/// <summary>Which answer wins when a domain is both in the static peers file and in DNS.</summary>
public enum StaticPeersPrecedence : byte
{
    /// <summary>The file's entry is used and DNS is not asked: an operator's pin beats what the network says.</summary>
    First = 0,
    /// <summary>DNS first; the file's entry is used only when DNS discovery of the domain fails.</summary>
    Fallback,
}
