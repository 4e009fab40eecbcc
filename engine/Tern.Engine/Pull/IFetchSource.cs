using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>One place a blob can be fetched from (a fetch hint or a descriptor endpoint, docs/PROTOCOL.md §8.5).</summary>
public interface IFetchSource
{
    /// <summary>Where it is, for logs and results.</summary>
    string Address { get; }

    /// <summary>
    /// Fetches the blob of <paramref name="capability"/> from <paramref name="offset"/> to its end, appending the bytes to
    /// <paramref name="destination"/> as they arrive. A cut connection throws <see cref="IOException"/> (or
    /// <see cref="System.Net.Http.HttpRequestException"/>) after whatever arrived was written, so the caller can resume.
    /// </summary>
    Task<FetchResponse> FetchAsync(FetchCapability capability, Stream destination, long offset, CancellationToken cancellationToken);
}
