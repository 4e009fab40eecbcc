using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Load.Open;
using Tern.Transports.Fetch.Client;

namespace Tern.Load.Scenarios;

/// <summary>
/// Whole-blob fetches on a node's framed door (docs/PROTOCOL.md §8.2–8.3) with the engine's own client: one connection
/// per lane, one fetch at a time on it, the data read and dropped. Operation <c>n</c> fetches capability <c>n mod count</c>.
/// Plain TCP, as the scenarios' nodes serve on loopback. A status other than <c>ok</c> is the error class <c>framed-&lt;status&gt;</c>; a lane whose connection failed reconnects.
/// </summary>
internal sealed class FramedFetchTarget : ILoadTarget
{
    private readonly string _host;
    private readonly int _port;
    private readonly IReadOnlyList<FetchCapability> _capabilities;

    public FramedFetchTarget(string host, int port, IReadOnlyList<FetchCapability> capabilities)
    {
        _host = host;
        _port = port;
        _capabilities = capabilities;
    }

    public async ValueTask<ILoadLane> OpenLaneAsync(int lane, CancellationToken cancellationToken)
    {
        var opened = new Lane(this);
        await opened.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return opened;
    }

    private sealed class Lane(FramedFetchTarget target) : ILoadLane
    {
        // The nodes' doors are plain TCP on loopback (Tern:Node:AllowPlainTextFetchOnLoopback), as the scenarios set them up.
        private static readonly FramedFetchClientOptions PlainText = new() { Tls = false };

        private FramedFetchClient? _client;

        public async Task ConnectAsync(CancellationToken cancellationToken) =>
            _client = await FramedFetchClient.ConnectAsync(target._host, target._port, PlainText, cancellationToken).ConfigureAwait(false);

        public async ValueTask<LoadOutcome> SendAsync(long sequence, CancellationToken cancellationToken)
        {
            if (_client is not { IsConnected: true })
            {
                if (_client is not null)
                {
                    await _client.DisposeAsync().ConfigureAwait(false);
                }

                await ConnectAsync(cancellationToken).ConfigureAwait(false);
            }

            var capability = target._capabilities[(int)(sequence % target._capabilities.Count)];
            var response = await _client!.FetchAsync(capability, Stream.Null, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Status == MetaStatus.Ok ? LoadOutcome.Ok : LoadOutcome.Error(ErrorClasses.Of("framed", response.Status.ToString()));
        }

        public async ValueTask DisposeAsync()
        {
            if (_client is not null)
            {
                await _client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
