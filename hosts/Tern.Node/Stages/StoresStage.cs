using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;
using Tern.Engine.Transit;

namespace Tern.Node.Stages;

/// <summary>
/// First to start, last to stop: the key set, the transit store (its recovery replays the journal), the pending table,
/// the message store and the pull journal. Stopping checkpoints the pending table and the transit store and closes them, after every
/// other stage has stopped writing to them.
/// </summary>
internal sealed class StoresStage : IHostedService
{
    private readonly TernNode _node;
    private readonly IOptions<TransitStoreOptions> _transit;
    private readonly IOptions<PendingTableOptions> _pending;
    private readonly IOptions<MessageStoreOptions> _messages;
    private readonly IOptions<PullJournalOptions> _pullJournal;
    private readonly IOptions<IngestOptions> _ingest;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;

    public StoresStage(TernNode node, IOptions<TransitStoreOptions> transit, IOptions<PendingTableOptions> pending, IOptions<MessageStoreOptions> messages,
        IOptions<PullJournalOptions> pullJournal, IOptions<IngestOptions> ingest, ILoggerFactory loggers)
    {
        _pullJournal = pullJournal;
        _node = node;
        _transit = transit;
        _pending = pending;
        _messages = messages;
        _ingest = ingest;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Tern.Node");
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        RaisePoolFloor(_node.Options.MinPoolThreads);
        var keyDirectory = TernDataDirectory.Keys(_node.Options.DataDirectory);
        if (!File.Exists(Path.Combine(keyDirectory, DomainKeySet.SecretFileName)))
        {
            throw new TernConfigurationException($"{TernSections.Node}:{nameof(TernNodeOptions.DataDirectory)}", _node.Options.DataDirectory,
                $"must hold the domain's keys in keys/{DomainKeySet.SecretFileName} (create them with `tern init`)");
        }

        var keys = DomainKeySet.Load(keyDirectory);
        if (DomainName.Normalize(keys.Domain) != DomainName.Normalize(_node.Options.Domain))
        {
            var domain = keys.Domain;
            keys.Dispose();
            throw new TernConfigurationException($"{TernSections.Node}:{nameof(TernNodeOptions.Domain)}", _node.Options.Domain,
                $"must be the domain of the key set in {keyDirectory} ({domain})");
        }

        // A rotation under way (docs/PROTOCOL.md §16) is brought up to now: its current key set is the node's.
        _node.KeyRotation = DomainKeyRotation.Open(keyDirectory, keys);
        keys = _node.KeyRotation.Snapshot.Current;
        _node.Keys = keys;
        _node.KnownPeers = new KnownPeerKeys(keys, _ingest.Value.PeerKeyCacheCapacity);
        _node.UserKeys = new PublishedUserKeys(TernDataDirectory.UserKeys(_node.Options.DataDirectory), keys);
        Directory.CreateDirectory(TernDataDirectory.State(_node.Options.DataDirectory));
        _node.Store = await TransitStore.OpenAsync(_transit.Value, logger: _loggers.CreateLogger<TransitStore>()).ConfigureAwait(false);
        _node.Pending = new PendingTable(_pending.Value, _loggers.CreateLogger<PendingTable>());
        _node.Messages = new MessageStore(_messages.Value);
        _node.PullJournal = PullJournal.Open(_pullJournal.Value, logger: _loggers.CreateLogger<PullJournal>());
        NodeLogMessages.StoresOpen(_logger, _node.Options.DataDirectory);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_node.PullJournal is { } journal)
        {
            // The pull stage has stopped: what it ended is written; what it cut stays open for the next start.
            await journal.DisposeAsync().ConfigureAwait(false);
        }

        // The pull and client API stages have stopped: the last checkpoint settles what the commit log holds.
        _node.Messages?.Dispose();

        if (_node.Pending is { } pending)
        {
            // Bounded: a full checkpoint writes the hash indexes whole (1.1 GiB at the default sizes), and one that runs past
            // its share of the shutdown time must not keep the node from closing its transit store within the bound;
            // references since the last checkpoint come back by retransmission. A table nothing was written to is not
            // written again.
            var checkpoint = pending.TakeCheckpointAsync(CancellationToken.None);
            try
            {
                await checkpoint.WaitAsync(_node.StopBudget.CheckpointLeft, cancellationToken).ConfigureAwait(false);
                pending.Dispose();
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                NodeLogMessages.PendingCheckpointCut(_logger);
            }
        }

        if (_node.Store is { } store)
        {
            // Disposing commits the journal and checkpoints the index, so a restart replays nothing it need not.
            await store.DisposeAsync().ConfigureAwait(false);
        }

        _node.KnownPeers?.Dispose();
        _node.KeyRotation?.Dispose();
        NodeLogMessages.StoresClosed(_logger);
    }

    /// <summary>Raises the pool's worker floor to <paramref name="minimum"/> (never lowers it; see <see cref="TernNodeOptions.MinPoolThreads"/>).</summary>
    private static void RaisePoolFloor(int minimum)
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (minimum > workers)
        {
            ThreadPool.SetMinThreads(minimum, completionPorts);
        }
    }
}
