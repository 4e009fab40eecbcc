using Microsoft.Extensions.Logging;
using Tern.Engine.Ingest;

namespace Tern.Engine.Discovery;

/// <summary>
/// The static peers file, read at start (a bad file refuses the start) and read again when its modification time changes;
/// a changed file that is bad is logged and changes nothing.
/// </summary>
internal sealed class StaticPeers
{
    private readonly string _path;
    private readonly TimeSpan _checkInterval;
    private readonly TimeProvider _time;
    private readonly KnownPeerKeys? _known;
    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private volatile Dictionary<string, StaticPeerEntry> _entries;
    private DateTime _loadedWriteTime;
    private long _checkedAtTicks;

    /// <exception cref="StaticPeersFileException">The file cannot be read or breaks a rule.</exception>
    public StaticPeers(string path, TimeSpan checkInterval, TimeProvider time, KnownPeerKeys? known, ILogger logger)
    {
        _path = path;
        _checkInterval = checkInterval;
        _time = time;
        _known = known;
        _logger = logger;
        _loadedWriteTime = File.GetLastWriteTimeUtc(path);
        _entries = StaticPeersFile.Load(path, time.GetUtcNow());
        _checkedAtTicks = time.GetUtcNow().UtcTicks;
        Teach(_entries);
        DiscoveryLogMessages.StaticPeersLoaded(logger, path, _entries.Count);
    }

    public int Count => _entries.Count;

    /// <summary>The entry of <paramref name="domain"/>, after reading the file again if it changed; null when it is not listed.</summary>
    public StaticPeerEntry? Find(string domain)
    {
        ReloadIfChanged();
        return _entries.TryGetValue(domain, out var entry) ? entry : null;
    }

    /// <summary>The answer for a listed entry.</summary>
    public DiscoveryResult Result(StaticPeerEntry entry, TimeSpan maxTtl) => entry.ToResult(_time.GetUtcNow(), maxTtl, _path);

    private void ReloadIfChanged()
    {
        var now = _time.GetUtcNow();
        if (now.UtcTicks - Volatile.Read(ref _checkedAtTicks) < _checkInterval.Ticks)
        {
            return;
        }

        lock (_reloadLock)
        {
            Volatile.Write(ref _checkedAtTicks, now.UtcTicks);
            DateTime written;
            try
            {
                written = File.GetLastWriteTimeUtc(_path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                DiscoveryLogMessages.StaticPeersReloadFailed(_logger, _path, e.Message);
                return;
            }

            if (written == _loadedWriteTime)
            {
                return;
            }

            _loadedWriteTime = written;
            try
            {
                var entries = StaticPeersFile.Load(_path, now);
                Teach(entries);
                _entries = entries;
                DiscoveryLogMessages.StaticPeersLoaded(_logger, _path, entries.Count);
            }
            catch (StaticPeersFileException e)
            {
                DiscoveryLogMessages.StaticPeersReloadFailed(_logger, _path, e.Message);
            }
        }
    }

    private void Teach(Dictionary<string, StaticPeerEntry> entries)
    {
        if (_known is null)
        {
            return;
        }

        foreach (var entry in entries.Values)
        {
            _known.Learn(entry.Descriptor.AgreementKey);
        }
    }
}
