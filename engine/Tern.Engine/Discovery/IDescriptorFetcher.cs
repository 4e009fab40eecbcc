namespace Tern.Engine.Discovery;

/// <summary>
/// Fetches a domain's signed descriptor document from <c>https://&lt;domain&gt;/.well-known/tern</c> (docs/PROTOCOL.md §6.2).
/// Implemented over HttpClient in <c>transports/Tern.Transports.Discovery</c>; reports failures in its result and never
/// throws but for cancellation. Verification is the caller's: the fetcher only moves bytes.
/// </summary>
public interface IDescriptorFetcher
{
    /// <summary>The document served for <paramref name="domain"/>, at most 16 KiB, or why there is none.</summary>
    ValueTask<DescriptorDownload> FetchAsync(string domain, CancellationToken cancellationToken);
}
