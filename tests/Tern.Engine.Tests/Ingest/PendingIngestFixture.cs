using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Pending;
using Tern.Engine.Tests.Protocol;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// The ingest filing into a real pending table, as a node runs it: b.example receiving with the keys of
/// <see cref="NotificationFixture"/>, its peer a.example (<see cref="Sender"/>) and a key set b.example has never heard of
/// (<see cref="Stranger"/>, mallory.example), a pending table in a temp directory whose clock stands at <see cref="Now"/>,
/// and a preference table a test may fill. Datagrams go through <see cref="RawDatagrams"/>, so a test can send what the
/// engine's writer refuses to write.
/// </summary>
internal sealed class PendingIngestFixture : IDisposable
{
    public const long Now = NotificationFixture.Now;

    /// <summary>The source (<see cref="SourcePrefix"/> hash) every datagram of <see cref="Notify"/> and <see cref="Retract"/> comes from.</summary>
    public const int Source = 1;

    private readonly PendingFixture _pending = new(Now);

    /// <summary>Opens the table and the ingest; <paramref name="table"/> and <paramref name="ingest"/> change their options.</summary>
    public PendingIngestFixture(Action<PendingTableOptions>? table = null, Action<IngestOptions>? ingest = null)
    {
        Table = _pending.Open(table);
        Sink = new PendingTableSink(Table);
        var options = new IngestOptions();
        ingest?.Invoke(options);
        Ingest = new NotificationIngest(Keys.Receiver, Sink, Preferences, options);
    }

    /// <summary>b.example's and a.example's key sets and the notification keys between them.</summary>
    public NotificationFixture Keys { get; } = new();

    public DomainKeySet Sender => Keys.Sender;

    public DomainKeySet Stranger { get; } = DomainKeySet.Generate("mallory.example");

    public PendingTable Table { get; }

    public PendingTableSink Sink { get; }

    /// <summary>The pull preferences the ingest consults (every domain WhenRequested unless a test sets one).</summary>
    public RecordingSink Preferences { get; } = new();

    public NotificationIngest Ingest { get; }

    /// <summary>A datagram of <paramref name="type"/> from <paramref name="sender"/> to b.example, sent at <see cref="Now"/>.</summary>
    public byte[] Seal(DomainKeySet sender, DatagramType type, params byte[][] records)
        => RawDatagrams.Seal(sender, Keys.Receiver, type, Now, records);

    /// <summary>Ingests one notification datagram of <paramref name="records"/> (docs/PROTOCOL.md §4) from <paramref name="sender"/>.</summary>
    public DropReason Notify(DomainKeySet sender, params byte[][] records)
        => Ingest.Process(Seal(sender, DatagramType.Notification, records), Source, Now);

    /// <summary>Ingests one retraction datagram of <paramref name="records"/> (docs/PROTOCOL.md §11) from <paramref name="sender"/>.</summary>
    public DropReason Retract(DomainKeySet sender, params byte[][] records)
        => Ingest.Process(Seal(sender, DatagramType.Retraction, records), Source, Now);

    /// <summary>Every reference filed under <paramref name="hash"/>.</summary>
    public List<PendingReference> Filed(RecipientHash hash) => PendingFixture.PollAll(Table, hash);

    public void Dispose()
    {
        Table.Dispose();
        _pending.Dispose();
        Stranger.Dispose();
        Keys.Dispose();
    }
}
