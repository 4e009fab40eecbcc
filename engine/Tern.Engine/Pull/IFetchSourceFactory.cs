namespace Tern.Engine.Pull;

/// <summary>Turns a fetch URI (a hint or a descriptor's <c>fetch</c> entry, docs/PROTOCOL.md §8.5) into a source.</summary>
public interface IFetchSourceFactory
{
    /// <summary>The source for <paramref name="uri"/>, or null when this node cannot use it (unknown scheme, QUIC here, plain text off loopback).</summary>
    IFetchSource? Create(string uri);
}
