using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>One place a blob can be fetched from (a fetch hint or a descriptor endpoint, docs/PROTOCOL.md §8.5).</summary>
public interface IFetchSource
{
    /// <summary>Where it is, for logs and results.</summary>
    string Address { get; }

    /// <summary>
    /// Fetches the blob of <paramref name="capability"/> from <paramref name="offset"/>, appending the bytes to
    /// <paramref name="destination"/> as they arrive. Without a verifier, to the end. With one, only as far as its leaves
    /// reach: when it holds none for <paramref name="offset"/>'s chunk, the source first obtains the range proof of the
    /// next window from the door (§4.8: a proof sub-resource over HTTP, proof frames in the same fetch over the framed
    /// door) and throws <see cref="PayloadMismatchException"/> when it does not verify. A cut connection throws
    /// <see cref="IOException"/> (or <see cref="System.Net.Http.HttpRequestException"/>) after whatever arrived was
    /// written, so the caller can resume.
    /// </summary>
    Task<FetchResponse> FetchAsync(FetchCapability capability, Stream destination, long offset, PayloadVerifier? verifier, CancellationToken cancellationToken);

    /// <summary>
    /// Obtains the range proof of the window from <paramref name="offset"/>'s chunk and gives it to
    /// <paramref name="verifier"/> (to check bytes kept from an earlier fetch); throws <see cref="PayloadMismatchException"/>
    /// when it does not verify.
    /// </summary>
    Task<FetchResponse> FetchProofAsync(FetchCapability capability, PayloadVerifier verifier, long offset, CancellationToken cancellationToken);
}
