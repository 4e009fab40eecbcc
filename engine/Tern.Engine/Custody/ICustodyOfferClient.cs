namespace Tern.Engine.Custody;

/// <summary>Carries an offer to a gateway's door and brings its answer back (docs/PROTOCOL.md §10.3: HTTP in v1).</summary>
public interface ICustodyOfferClient
{
    /// <summary>
    /// Sends <paramref name="offer"/> to the first usable of <paramref name="gatewayDoors"/> (the gateway descriptor's
    /// <c>fetch</c> list) and returns the answer's bytes, or null when no door is usable. A failed exchange throws
    /// <see cref="IOException"/> or <see cref="System.Net.Http.HttpRequestException"/>; the sender offers again later.
    /// </summary>
    Task<byte[]?> OfferAsync(IReadOnlyList<string> gatewayDoors, ReadOnlyMemory<byte> offer, CancellationToken cancellationToken);
}
