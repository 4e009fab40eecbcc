namespace Tern.Engine.Discovery;

/// <summary>Where a discovered peer came from.</summary>
public enum DiscoverySource : byte
{
    /// <summary>DNS (SRV, TXT) and the descriptor from <c>/.well-known/tern</c>.</summary>
    Dns = 0,
    /// <summary>The static peers file.</summary>
    StaticFile,
}
