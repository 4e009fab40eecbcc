using Tern.Engine.Pull;

namespace Tern.Transports.Fetch.Client;

/// <summary>
/// Fetches from a framed door (docs/PROTOCOL.md §8.2), keeping one multiplexed connection per source and opening a
/// new one when the last broke. Concurrent fetches share the connection.
/// </summary>
public sealed class FramedFetchSource : IFetchSource, IAsyncDisposable
{
    private readonly string _host;
    private readonly int _port;
    private readonly FramedFetchClientOptions _options;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private FramedFetchClient? _client;

    /// <summary>A source at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public FramedFetchSource(string host, int port, FramedFetchClientOptions options)
    {
        _host = host;
        _port = port;
        _options = options;
    }

    /// <inheritdoc />
    public string Address => $"tern+tcp://{_host}:{_port}";

    /// <inheritdoc />
    public async Task<FetchResponse> FetchAsync(Tern.Engine.Protocol.FetchCapability capability, Stream destination, long offset, PayloadVerifier? verifier, CancellationToken cancellationToken)
    {
        var client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        return await client.FetchAsync(capability, destination, offset, -1, verifier, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<FetchResponse> FetchProofAsync(Tern.Engine.Protocol.FetchCapability capability, PayloadVerifier verifier, long offset, CancellationToken cancellationToken)
    {
        var client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        return await client.FetchProofAsync(capability, verifier, offset, cancellationToken).ConfigureAwait(false);
    }

    private async Task<FramedFetchClient> GetClientAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _client) is { IsConnected: true } current)
        {
            return current;
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client is { IsConnected: true } existing)
            {
                return existing;
            }

            // Forgotten before the new connection is tried: a connect that fails must not leave the disposed client
            // here to be disposed a second time (which threw from the source's own DisposeAsync).
            if (Interlocked.Exchange(ref _client, null) is { } closed)
            {
                await closed.DisposeAsync().ConfigureAwait(false);
            }

            _client = await FramedFetchClient.ConnectAsync(_host, _port, _options, cancellationToken).ConfigureAwait(false);
            return _client;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _client, null) is { } client)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        _connectLock.Dispose();
    }
}
