using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tern.Node.Tests;

/// <summary>A node composed by <c>AddTernNode</c> on a Generic Host in the test process, as the demo and the harness compose theirs.</summary>
public sealed class InProcessNode : IAsyncDisposable
{
    private InProcessNode(IHost host, ListLoggerProvider logs)
    {
        Host = host;
        Logs = logs;
    }

    private bool _started;

    public IHost Host { get; }

    /// <summary>The node's parts (resolved on first use: its options are validated then).</summary>
    public TernNode Node => Host.Services.GetRequiredService<TernNode>();

    public ListLoggerProvider Logs { get; }

    /// <summary>Builds the host (nothing started yet).</summary>
    public static InProcessNode Create(IDictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new ListLoggerProvider();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.Services.AddTernNode(builder.Configuration);
        return new InProcessNode(builder.Build(), logs);
    }

    /// <summary>Starts the host; a start that throws leaves nothing for <see cref="DisposeAsync"/> to stop.</summary>
    public async Task StartAsync()
    {
        await Host.StartAsync();
        _started = true;
    }

    public static async Task<InProcessNode> StartAsync(IDictionary<string, string?> settings)
    {
        var node = Create(settings);
        try
        {
            await node.StartAsync();
        }
        catch
        {
            node.Host.Dispose();
            throw;
        }

        return node;
    }

    /// <summary>Every entry, one a line, for a failure's message.</summary>
    public string Dump() => string.Join('\n', Logs.Entries.Select(e => $"{e.Category} {e.EventId}: {e.Message}"));

    /// <summary>The messages of the node's own events (category Tern.Node) with <paramref name="eventId"/>, in order.</summary>
    public IReadOnlyList<string> Events(int eventId) => [.. Logs.Entries.Where(e => e.Category == "Tern.Node" && e.EventId == eventId).Select(e => e.Message)];

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_started)
            {
                await Host.StopAsync();
            }
        }
        finally
        {
            Host.Dispose();
        }
    }
}
