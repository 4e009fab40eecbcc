namespace Tern.ClientApi;

/// <summary>
/// The client API (section <c>Tern:ClientApi</c>): where it listens and the limits every route enforces. A request beyond
/// a limit gets a problem document naming the field and the limit (docs/CLIENT-API.md).
/// </summary>
public sealed class ClientApiOptions
{
    /// <summary>Most recipients one submission may name, and the ceiling for <see cref="MaxRecipients"/> (the transit store's).</summary>
    public const int RecipientCeiling = Engine.Transit.TransitStore.MaxRecipients;

    /// <summary>The listener, <c>address:port</c>; empty for none. Defaults to <c>127.0.0.1:7480</c>; port 0 picks a free one (written to <c>state/ports.json</c>).</summary>
    public string Listen { get; set; } = "127.0.0.1:7480";

    /// <summary>
    /// Whether the listener speaks TLS with the node's certificate (<c>Tern:Node:CertificateFile</c>). Defaults to false;
    /// bearer tokens then cross in plain text, so a listener on a non-loopback address must set it.
    /// </summary>
    public bool Tls { get; set; }

    /// <summary>
    /// Whether requests run on the thread that read them instead of moving to the thread pool, each way (Kestrel's
    /// <c>UnsafePreferInlineScheduling</c>; docs/ARCHITECTURE.md §5.1). Only the routes that never block run there (a
    /// stored message's read from the page cache, the capabilities); every other route moves to the pool first, as
    /// without it. Defaults to true: a read of a stored message costs one thread switch less each way. Kestrel's HTTP/2
    /// frame writer batches less with it, so a node whose clients multiplex many streams on HTTP/2 may turn it off.
    /// </summary>
    public bool InlineScheduling { get; set; } = true;

    /// <summary>
    /// With <see cref="InlineScheduling"/>: a submit (<c>POST /v1/messages</c>) whose body is at most this many bytes
    /// by its Content-Length begins on the thread that read it while no other submit is in flight, up to its wait for
    /// the group commit (docs/ARCHITECTURE.md §5.1): one message at a time skips a pool thread's wake; under load every
    /// submit moves to the pool as before. Defaults to 4096, the transit store's default
    /// <c>JournalInlineMaxBytes</c> (a blob that small is all memory work until its commit); 0 turns it off.
    /// </summary>
    public int SubmitInlineWhenIdleMaxBytes { get; set; } = 4096;

    /// <summary>The users file, relative to the data directory. Defaults to <c>users.json</c>.</summary>
    public string UsersFile { get; set; } = "users.json";

    /// <summary>Largest message body a submission may stream, in bytes. Defaults to 4 GiB.</summary>
    public long MaxMessageBytes { get; set; } = 4L << 30;

    /// <summary>Most recipients one submission may name (1 to 1000). Defaults to 100.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>Most messages one batch submit may carry (1 to 100 000). Defaults to 1000.</summary>
    public int MaxBatchMessages { get; set; } = 1000;

    /// <summary>
    /// Largest body a batch submit may send, in bytes, its messages' bodies included (base64 in JSON): the batch is read
    /// whole before it is stored, so this bounds what one request holds in memory. 1 KiB to 1 GiB; defaults to 4 MiB.
    /// </summary>
    public long MaxBatchBytes { get; set; } = 4L << 20;

    /// <summary>
    /// Batches read and stored at once; others wait before their body is read, so batches hold at most this many times
    /// <see cref="MaxBatchBytes"/> in memory. 1 to 1000; defaults to 32.
    /// </summary>
    public int MaxConcurrentBatches { get; set; } = 32;

    /// <summary>The shortest transit a submission may ask for. Defaults to 1 minute.</summary>
    public TimeSpan MinTransit { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest transit a submission may ask for; at most the protocol's 30 days and the transit store's <c>MaxTransit</c>. Defaults to 30 days.</summary>
    public TimeSpan MaxTransit { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The transit of a submission that names no expiry. Defaults to 7 days.</summary>
    public TimeSpan DefaultTransit { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Longest <c>wait</c> a poll may ask for. Defaults to 30 s.</summary>
    public TimeSpan MaxPollWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most recipient hashes one user may register (docs/C2S.md §10: one per correspondent, negotiated hash and token). Defaults to 10 000.</summary>
    public int MaxHashesPerUser { get; set; } = 10_000;

    /// <summary>Most sender domains one user may set a preference for, and block. Defaults to 1000 each.</summary>
    public int MaxDomainsPerUser { get; set; } = 1000;

    /// <summary>How long a key record the domain signs is valid (docs/C2S.md §12). Defaults to 365 days.</summary>
    public TimeSpan KeyRecordValidity { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// Whether the domain holds its users' secret keys (docs/PROTOCOL.md §14.2 escrow): only then does
    /// <c>POST /v1/keys</c> accept <c>{"generate": true}</c>, and every record it signs carries the escrow flag. The
    /// descriptor must say so too. Defaults to false.
    /// </summary>
    public bool KeyEscrow { get; set; }

    /// <summary>How long another domain's key bundle stays in the directory proxy's cache (docs/C2S.md §12). Defaults to 5 minutes.</summary>
    public TimeSpan DirectoryCacheTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an unused reservation lives when the client names no expiry (docs/C2S.md §6). Defaults to 24 hours.</summary>
    public TimeSpan DefaultReservationLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The longest a reservation may live before its message is sent (docs/C2S.md §6). Defaults to 7 days.</summary>
    public TimeSpan MaxReservationLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Reservations a user may hold open at once (docs/C2S.md §6). Defaults to 64.</summary>
    public int MaxReservationsPerUser { get; set; } = 64;

    /// <summary>Whether each group of event-log appends reaches the disk before it is readable. Defaults to true.</summary>
    public bool DurableEvents { get; set; } = true;

    /// <summary>
    /// Longest a <c>delivery_changed</c> event waits for another event's flush to carry it before the log flushes it on its
    /// own (docs/C2S.md §15): a sender's fetched deliveries then share flushes instead of costing one each. Zero flushes
    /// each at once. Defaults to 50 ms.
    /// </summary>
    public TimeSpan DeferredEventFlushDelay { get; set; } = Events.EventLog.DefaultDeferredFlushDelay;

    /// <summary>
    /// How long events stay in the log (docs/C2S.md §11): compaction drops older ones, and a cursor before the oldest kept
    /// is answered <c>410 cursor-expired</c>. Defaults to 30 days.
    /// </summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>However old, each user keeps at least this many of their last events (at least 1). Defaults to 1000.</summary>
    public int EventRetentionMinEvents { get; set; } = 1000;

    /// <summary>How often the event log is compacted. Defaults to 1 hour.</summary>
    public TimeSpan EventCompactionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Above this size the event log is also compacted when the node starts. Defaults to 64 MiB.</summary>
    public long EventCompactionStartBytes { get; set; } = 64L << 20;

    /// <summary>Most event streams (SSE) one user may hold open at once. Defaults to 8.</summary>
    public int MaxEventStreamsPerUser { get; set; } = 8;

    /// <summary>
    /// How far an event stream may fall behind the log (events) before it is cut with a <c>cut</c> event naming the
    /// cursor to resume from. The stream holds one page of events at a time, whatever the lag. Defaults to 10 000.
    /// </summary>
    public int MaxEventStreamLag { get; set; } = 10_000;

    /// <summary>How often an idle event stream sends a comment line, so proxies keep it open. Defaults to 25 s.</summary>
    public TimeSpan EventStreamHeartbeat { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How long one write to an event stream may wait on a client that does not read before the stream is cut. Defaults to 30 s.</summary>
    public TimeSpan EventStreamWriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a session token lasts (docs/C2S.md §5). Defaults to 15 minutes.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Whether a device may enrol with the user's address and password (stored as Argon2id). Defaults to true.</summary>
    public bool AllowPasswords { get; set; } = true;

    /// <summary>Enrolment and session requests allowed per source address (IPv6 by /64) a minute. Defaults to 10.</summary>
    public int AuthRequestsPerMinute { get; set; } = 10;

    /// <summary>Failed password attempts per account an hour before one attempt a minute. Defaults to 20.</summary>
    public int AuthFailuresPerHour { get; set; } = 20;

    /// <summary>Checks every value; throws <see cref="ArgumentException"/> naming the property and the rule.</summary>
    public void Validate()
    {
        if (SubmitInlineWhenIdleMaxBytes is < 0 or > 65536)
        {
            throw new ArgumentException($"ClientApiOptions.SubmitInlineWhenIdleMaxBytes must be 0 to 65536, not {SubmitInlineWhenIdleMaxBytes}.", nameof(SubmitInlineWhenIdleMaxBytes));
        }

        if (MaxMessageBytes < 1)
        {
            throw new ArgumentException($"ClientApiOptions.MaxMessageBytes must be at least 1, not {MaxMessageBytes}.", nameof(MaxMessageBytes));
        }

        if (MaxRecipients is < 1 or > RecipientCeiling)
        {
            throw new ArgumentException($"ClientApiOptions.MaxRecipients must be 1 to {RecipientCeiling}, not {MaxRecipients}.", nameof(MaxRecipients));
        }

        if (MaxBatchMessages is < 1 or > 100_000 || MaxBatchBytes is < 1024 or > 1L << 30 || MaxConcurrentBatches is < 1 or > 1000)
        {
            throw new ArgumentException($"ClientApiOptions.MaxBatchMessages must be 1 to 100000, MaxBatchBytes 1024 to 1073741824 and MaxConcurrentBatches 1 to 1000, not {MaxBatchMessages}, {MaxBatchBytes} and {MaxConcurrentBatches}.", nameof(MaxBatchMessages));
        }

        if (MinTransit <= TimeSpan.Zero || MaxTransit < MinTransit || MaxTransit > Engine.Transit.TransitStoreOptions.ProtocolMaxTransit)
        {
            throw new ArgumentException($"ClientApiOptions.MaxTransit must be from MinTransit ({MinTransit}, above zero) to 30 days, not {MaxTransit}.", nameof(MaxTransit));
        }

        if (DefaultTransit < MinTransit || DefaultTransit > MaxTransit)
        {
            throw new ArgumentException($"ClientApiOptions.DefaultTransit must be from MinTransit to MaxTransit, not {DefaultTransit}.", nameof(DefaultTransit));
        }

        if (DeferredEventFlushDelay < TimeSpan.Zero || DeferredEventFlushDelay > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentException($"ClientApiOptions.DeferredEventFlushDelay must be 0 to 10 seconds, not {DeferredEventFlushDelay}.", nameof(DeferredEventFlushDelay));
        }

        if (MaxPollWait < TimeSpan.Zero || MaxPollWait > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException($"ClientApiOptions.MaxPollWait must be 0 to 10 minutes, not {MaxPollWait}.", nameof(MaxPollWait));
        }

        if (KeyRecordValidity < TimeSpan.FromMinutes(1) || KeyRecordValidity > TimeSpan.FromDays(3650))
        {
            throw new ArgumentException($"ClientApiOptions.KeyRecordValidity must be 1 minute to 3650 days, not {KeyRecordValidity}.", nameof(KeyRecordValidity));
        }

        if (DirectoryCacheTime < TimeSpan.Zero || DirectoryCacheTime > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"ClientApiOptions.DirectoryCacheTime must be 0 to 1 hour (docs/PROTOCOL.md §14.4), not {DirectoryCacheTime}.", nameof(DirectoryCacheTime));
        }

        if (MaxReservationLifetime < TimeSpan.FromSeconds(1) || MaxReservationLifetime > TimeSpan.FromDays(30)
            || DefaultReservationLifetime < TimeSpan.FromSeconds(1) || DefaultReservationLifetime > MaxReservationLifetime)
        {
            throw new ArgumentException($"ClientApiOptions.DefaultReservationLifetime ({DefaultReservationLifetime}) must be from 1 second to MaxReservationLifetime ({MaxReservationLifetime}, at most 30 days).", nameof(MaxReservationLifetime));
        }

        if (MaxReservationsPerUser is < 1 or > 100_000)
        {
            throw new ArgumentException($"ClientApiOptions.MaxReservationsPerUser must be 1 to 100000, not {MaxReservationsPerUser}.", nameof(MaxReservationsPerUser));
        }

        if (MaxHashesPerUser is < 1 or > 100_000)
        {
            throw new ArgumentException($"ClientApiOptions.MaxHashesPerUser must be 1 to 100000, not {MaxHashesPerUser}.", nameof(MaxHashesPerUser));
        }

        if (MaxDomainsPerUser is < 1 or > 100_000)
        {
            throw new ArgumentException($"ClientApiOptions.MaxDomainsPerUser must be 1 to 100000, not {MaxDomainsPerUser}.", nameof(MaxDomainsPerUser));
        }

        if (MaxEventStreamsPerUser is < 1 or > 1000 || MaxEventStreamLag < 1)
        {
            throw new ArgumentException($"ClientApiOptions.MaxEventStreamsPerUser must be 1 to 1000 and MaxEventStreamLag at least 1, not {MaxEventStreamsPerUser} and {MaxEventStreamLag}.", nameof(MaxEventStreamsPerUser));
        }

        if (EventRetention < TimeSpan.Zero || EventRetentionMinEvents < 1 || EventCompactionInterval <= TimeSpan.Zero || EventCompactionStartBytes < 0)
        {
            throw new ArgumentException($"ClientApiOptions.EventRetention must be at least 0, EventRetentionMinEvents at least 1, EventCompactionInterval above 0 and EventCompactionStartBytes at least 0, not {EventRetention}, {EventRetentionMinEvents}, {EventCompactionInterval} and {EventCompactionStartBytes}.", nameof(EventRetention));
        }

        if (EventStreamHeartbeat <= TimeSpan.Zero || EventStreamWriteTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ClientApiOptions.EventStreamHeartbeat and EventStreamWriteTimeout must be above zero, not {EventStreamHeartbeat} and {EventStreamWriteTimeout}.", nameof(EventStreamHeartbeat));
        }

        if (SessionLifetime < TimeSpan.FromSeconds(1) || SessionLifetime > TimeSpan.FromDays(1) || AuthRequestsPerMinute < 1 || AuthFailuresPerHour < 1)
        {
            throw new ArgumentException($"ClientApiOptions.SessionLifetime must be 1 s to 1 day and AuthRequestsPerMinute and AuthFailuresPerHour at least 1, not {SessionLifetime}, {AuthRequestsPerMinute} and {AuthFailuresPerHour}.", nameof(SessionLifetime));
        }

        if (string.IsNullOrWhiteSpace(UsersFile) || Path.IsPathRooted(UsersFile) || UsersFile.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"ClientApiOptions.UsersFile must be a relative path inside the data directory, not '{UsersFile}'.", nameof(UsersFile));
        }
    }
}
