using System.Buffers.Binary;
using System.Security.Cryptography;
using FASTER.core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tern.Engine.Protocol;
using Tern.Engine.Storage;

namespace Tern.Engine.Pending;

/// <summary>
/// The recipient side's table of pending references (docs/ARCHITECTURE.md §3.5): notifications received and
/// not yet fetched, retracted or expired, filed by recipient hash for polling and by capability for idempotent
/// insert and removal. Three FasterKV stores with bounded memory that spill to disk.
/// </summary>
/// <remarks>
/// The table is a cache of what senders will retransmit anyway: it is checkpointed (<see cref="TakeCheckpointAsync"/>)
/// and recovered on open, and inserts since the last checkpoint are lost on a crash; the senders' retransmissions
/// (docs/PROTOCOL.md §4.6) file them again, after every sequence handed out before the crash (RenumberAfterCrash). All methods are thread-safe and synchronous; none holds a FASTER
/// session across an <c>await</c>.
/// </remarks>
public sealed partial class PendingTable : IDisposable, IAsyncDisposable
{
    private const int LockStripes = 1024;
    private const int RecipientHintSlots = 1 << 18;
    private const string CountersFile = "counters.bin";
    private const string SeedFile = "seed.bin";
    private const string ProfilesFile = "profiles.bin";

    private readonly PendingTableOptions _options;
    private readonly ILogger _logger;
    private readonly string _directory;
    private readonly IDevice[] _devices;
    private readonly FasterKV<Bytes32, CapabilityEntry> _capabilities;
    private readonly FasterKV<Bytes32, RecipientState> _recipients;
    private readonly FasterKV<RefKey, SpanByte> _refs;
    private readonly PendingKeyComparer _comparer;
    private readonly PendingSessionPool _sessions;
    private readonly IndexPrefetcher _capabilityBuckets;
    private readonly IndexPrefetcher _recipientBuckets;
    private readonly IndexPrefetcher _refBuckets;
    private readonly DomainCounters _domains = new();
    private readonly RecipientHints _recipientHints = new(RecipientHintSlots);
    private readonly SenderProfiles _profiles;
    private readonly Lock[] _capabilityLocks = NewLocks();
    private readonly Lock[] _recipientLocks = NewLocks();

    // Readers are operations, the writer is a checkpoint: a checkpoint sees no operation in flight, so the
    // three stores and the counters file describe the same instant.
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion);
    private readonly long _tombstoneRetentionMs;
    private long _count;
    private long _profileUpdates;
    private long _sequenceFloor;
    private int _disposed;

    /// <summary>Opens the table with options bound by the host.</summary>
    public PendingTable(IOptions<PendingTableOptions> options, ILogger<PendingTable>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), logger)
    {
    }

    /// <summary>Opens the table in <see cref="PendingTableOptions.DataDirectory"/>, recovering the latest checkpoint if there is one.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public PendingTable(PendingTableOptions options, ILogger<PendingTable>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _directory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(_directory);
        _tombstoneRetentionMs = (long)options.TombstoneRetention.TotalMilliseconds;
        _comparer = LoadOrCreateSeed(Path.Combine(_directory, SeedFile));
        _profiles = new SenderProfiles(options.MaxSenderProfiles);
        _profiles.Load(Path.Combine(_directory, ProfilesFile));

        _devices = new IDevice[3];
        _capabilities = OpenStore<Bytes32, CapabilityEntry>("capabilities", 0, options.CapabilityIndexBytes, options.CapabilityLogMemoryBytes, _comparer, null);
        _recipients = OpenStore<Bytes32, RecipientState>("recipients", 1, options.RecipientIndexBytes, options.RecipientLogMemoryBytes, _comparer, null);
        _refs = OpenStore<RefKey, SpanByte>("refs", 2, options.RefIndexBytes, options.RefLogMemoryBytes, _comparer, new SpanByteVarLenStruct());
        _sessions = new PendingSessionPool(options.MaxSessions, _capabilities, _recipients, _refs);
        _capabilityBuckets = IndexPrefetcher.For(_capabilities);
        _recipientBuckets = IndexPrefetcher.For(_recipients);
        _refBuckets = IndexPrefetcher.For(_refs);
        if (options.PrefaultIndexes)
        {
            PrefaultIndexes();
        }

        var recovered = _capabilities.CurrentVersion > 1;
        LoadCounters(recovered);
        var format = ReadFormat(recovered);
        if (recovered && format >= 2 && !File.Exists(Path.Combine(_directory, ProfilesFile)))
        {
            // Every checkpoint of a format-2 table writes it before the stores: without it the references name nothing.
            throw new InvalidDataException($"'{Path.Combine(_directory, ProfilesFile)}' is missing; the pending table's references cannot be read without it. Restore it with the rest of the directory.");
        }
        if (MarkOpen() && recovered)
        {
            RenumberAfterCrash();
        }

        if (format < CurrentFormat)
        {
            MigrateReferences(format);
        }

        PendingLogMessages.Opened(_logger, _directory, recovered, _count, _domains.DomainCount);
    }

    /// <summary>Live pending references in the table.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Live references whose sender key, MIME hint, fetch hints or flags a later duplicate replaced (docs/PROTOCOL.md §4.5).</summary>
    public long SenderProfileUpdates => Interlocked.Read(ref _profileUpdates);

    /// <summary>Where the reference log's next record goes: a test sees whether an operation wrote a reference.</summary>
    internal long RefLogTailAddress => _refs.Log.TailAddress;

    /// <summary>Sender profiles the table's references name (<see cref="PendingTableOptions.MaxSenderProfiles"/>).</summary>
    public int SenderProfileCount => _profiles.Count;

    /// <summary>Live pending references charged to <paramref name="senderDomain"/> (ASCII, as records carry it); 0 for a domain never seen.</summary>
    public long GetSenderDomainCount(ReadOnlySpan<byte> senderDomain)
    {
        var counter = _domains.Find(senderDomain);
        return counter is null ? 0 : Interlocked.Read(ref counter.Count);
    }

    /// <summary>Every sender domain seen with its live pending references (what each peer costs this node's table), by name.</summary>
    public IReadOnlyList<(string SenderDomain, long References)> ListSenderDomainCounts()
    {
        var rows = new List<(string, long)>(_domains.DomainCount);
        for (var id = 0; id < _domains.DomainCount; id++)
        {
            if (_domains.ById(id) is { } counter)
            {
                rows.Add((System.Text.Encoding.ASCII.GetString(counter.Name), Interlocked.Read(ref counter.Count)));
            }
        }

        rows.Sort(static (x, y) => string.CompareOrdinal(x.Item1, y.Item1));
        return rows;
    }

    /// <summary>Live pending references charged to <paramref name="senderDomain"/>.</summary>
    public long GetSenderDomainCount(string senderDomain)
    {
        ArgumentNullException.ThrowIfNull(senderDomain);
        Span<byte> name = stackalloc byte[DomainName.MaxLength];
        return senderDomain.Length > DomainName.MaxLength || System.Text.Encoding.ASCII.GetBytes(senderDomain, name) != senderDomain.Length
            ? 0
            : GetSenderDomainCount(name[..senderDomain.Length]);
    }

    /// <summary>
    /// Closes the stores without a checkpoint: anything since the last checkpoint is lost (see the remarks). The
    /// caller stops calling the table first; operations racing with Dispose are not supported.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Nothing written since the last checkpoint (or since open): what is on disk is the table as it stands, and the
        // next open need not move anything (RenumberAfterCrash).
        if (!_sessions.AnyWrote())
        {
            MarkClosed();
        }

        _sessions.Dispose();
        _refs.Dispose();
        _recipients.Dispose();
        _capabilities.Dispose();
        foreach (var device in _devices)
        {
            device.Dispose();
        }

        _gate.Dispose();
    }

    /// <summary>Takes a checkpoint, then closes the stores.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            await TakeCheckpointAsync().ConfigureAwait(false);
        }

        Dispose();
    }

    private FasterKV<TKey, TValue> OpenStore<TKey, TValue>(string name, int index, long indexBytes, long memoryBytes, IFasterEqualityComparer<TKey> comparer, IVariableLengthStruct<TValue>? valueLength)
    {
        var directory = Path.Combine(_directory, name);
        Directory.CreateDirectory(directory);
        _devices[index] = ReadAheadDevice.Create(Path.Combine(directory, "hlog.log"), _options.ReadAhead);
        using var settings = new FasterKVSettings<TKey, TValue>
        {
            IndexSize = indexBytes,
            LogDevice = _devices[index],
            PageSize = _options.PageBytes,
            SegmentSize = _options.SegmentBytes,
            MemorySize = memoryBytes,
            EqualityComparer = comparer,
            CheckpointDir = Path.Combine(directory, "checkpoints"),
            RemoveOutdatedCheckpoints = true,
            TryRecoverLatest = true,
            PreallocateLog = _options.PreallocateLogMemory,
        };
        if (valueLength is not null)
        {
            settings.ValueLength = valueLength;
        }

        return new FasterKV<TKey, TValue>(settings);
    }

    private void PrefaultIndexes()
    {
        var populated = IndexPrefault.TryPopulate(_capabilities) & IndexPrefault.TryPopulate(_recipients) & IndexPrefault.TryPopulate(_refs);
        if (!populated)
        {
            PendingLogMessages.PrefaultUnavailable(_logger);
        }
    }

    private static PendingKeyComparer LoadOrCreateSeed(string path)
    {
        Span<byte> seed = stackalloc byte[16];
        if (File.Exists(path))
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length != seed.Length)
            {
                throw new InvalidDataException($"'{path}' is damaged: expected {seed.Length} bytes, found {bytes.Length}. The table's stores cannot be read without it.");
            }

            bytes.CopyTo(seed);
        }
        else
        {
            RandomNumberGenerator.Fill(seed);
            AtomicFile.Write(path, seed);
        }

        return new PendingKeyComparer(BinaryPrimitives.ReadUInt64LittleEndian(seed), BinaryPrimitives.ReadUInt64LittleEndian(seed[8..]));
    }

    private static Lock[] NewLocks()
    {
        var locks = new Lock[LockStripes];
        for (var i = 0; i < locks.Length; i++)
        {
            locks[i] = new Lock();
        }

        return locks;
    }

    private Lock CapabilityLock(ref Bytes32 capability) => CapabilityLock(_comparer.GetHashCode64(ref capability));

    private Lock RecipientLock(ref Bytes32 hash) => RecipientLock(_comparer.GetHashCode64(ref hash));

    // From a hash code the caller already has (an insert computes it for its prefetch).
    private Lock CapabilityLock(long hashCode) => _capabilityLocks[(int)((ulong)hashCode >> 54) & (LockStripes - 1)];

    private Lock RecipientLock(long hashCode) => _recipientLocks[(int)((ulong)hashCode >> 54) & (LockStripes - 1)];

    /// <summary>Begin, head (start of the in-memory part) and tail of the reference log, for tests and diagnostics.</summary>
    internal (long Begin, long Head, long Tail) RefLogAddresses => (_refs.Log.BeginAddress, _refs.Log.HeadAddress, _refs.Log.TailAddress);

    private long NowMs => _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
