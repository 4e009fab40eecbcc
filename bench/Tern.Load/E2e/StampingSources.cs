using System.Collections.Concurrent;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;
using Tern.Transports.Fetch.Client;

namespace Tern.Load.E2e;

/// <summary>The pull worker's fetch sources (<see cref="FetchSourceFactory"/>), stamping when a fetch has returned.</summary>
internal sealed class StampingSources(IFetchSourceFactory inner, StageClock stages) : IFetchSourceFactory
{
    private readonly ConcurrentDictionary<IFetchSource, IFetchSource> _wrapped = new();

    public IFetchSource? Create(string uri) => inner.Create(uri) is { } source
        ? _wrapped.GetOrAdd(source, static (s, clock) => new StampingSource(s, clock), stages)
        : null;

    private sealed class StampingSource(IFetchSource inner, StageClock stages) : IFetchSource
    {
        public string Address => inner.Address;

        public async Task<FetchResponse> FetchAsync(FetchCapability capability, Stream destination, long offset, PayloadVerifier? verifier, CancellationToken cancellationToken)
        {
            var response = await inner.FetchAsync(capability, destination, offset, verifier, cancellationToken).ConfigureAwait(false);
            stages.Fetched(capability);
            return response;
        }

        public Task<FetchResponse> FetchProofAsync(FetchCapability capability, PayloadVerifier verifier, long offset, CancellationToken cancellationToken)
            => inner.FetchProofAsync(capability, verifier, offset, cancellationToken);
    }
}
