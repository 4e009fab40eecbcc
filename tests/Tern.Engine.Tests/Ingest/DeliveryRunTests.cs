using Tern.Engine.Ingest;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// A flush hands a batch's notifications to the sink in runs (<see cref="INotificationSink.BeginRecords"/>), in groups
/// of at most 64 records, and a retraction datagram between them is delivered outside any run: the pending table's
/// retraction takes the gate a run holds.
/// </summary>
public sealed class DeliveryRunTests : IDisposable
{
    private const long Now = PendingIngestFixture.Now;
    private readonly PendingIngestFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void A_batch_of_eight_record_datagrams_with_a_retraction_among_them_is_filed_and_retracted_in_order()
    {
        var hash = RecipientHash.NewRandom();
        var capabilities = new List<FetchCapability>();
        for (var d = 0; d < 12; d++)
        {
            var records = new byte[8][];
            for (var r = 0; r < records.Length; r++)
            {
                var capability = FetchCapability.NewRandom();
                capabilities.Add(capability);
                records[r] = RawDatagrams.Notification(capability, r % 2 == 0 ? hash : RecipientHash.NewRandom(), Now + 86_400_000);
            }

            Assert.Equal(DropReason.None, _f.Ingest.Stage(_f.Seal(_f.Sender, DatagramType.Notification, records), PendingIngestFixture.Source, Now));
            if (d == 9)
            {
                // Retracts a record staged earlier in the same batch: delivered in order, it finds it filed.
                var retraction = _f.Seal(_f.Sender, DatagramType.Retraction, RawDatagrams.Retraction(capabilities[2], hash));
                Assert.Equal(DropReason.None, _f.Ingest.Stage(retraction, PendingIngestFixture.Source, Now));
            }
        }

        _f.Ingest.Flush(Now);

        var counters = _f.Ingest.Counters;
        Assert.Equal((96L, 1L, 0L, 0L), (counters.RecordsAccepted, counters.RetractionsApplied, counters.DeliveryFailures, counters.TotalDrops));
        Assert.Equal(95, _f.Table.Count);
        Assert.Equal(capabilities.Where((_, i) => i % 2 == 0 && i != 2), _f.Filed(hash).Select(r => r.Capability));

        // No run is left open on this thread: the table's other methods work.
        Assert.NotNull(_f.Table.Find(capabilities[0], out _));
    }

    [Fact]
    public void Runs_are_balanced_hold_only_notifications_and_end_when_the_sink_throws()
    {
        var sink = new RunCheckingSink();
        var ingest = new NotificationIngest(_f.Keys.Receiver, sink, _f.Preferences, new IngestOptions());
        for (var d = 0; d < 11; d++)
        {
            var type = d == 4 ? DatagramType.Retraction : DatagramType.Notification;
            var records = Enumerable.Range(0, 8).Select(_ => type == DatagramType.Retraction
                ? RawDatagrams.Retraction(FetchCapability.NewRandom(), RecipientHash.NewRandom())
                : RawDatagrams.Notification(FetchCapability.NewRandom(), RecipientHash.NewRandom(), Now + 86_400_000)).ToArray();
            Assert.Equal(DropReason.None, ingest.Stage(_f.Seal(_f.Sender, type, records), PendingIngestFixture.Source, Now));
        }

        sink.ThrowAt = 30;
        Assert.Throws<InvalidOperationException>(() => ingest.Flush(Now));

        // Runs: datagrams 0-3, broken by the retraction, 5-8 (the first group's 64 records), then 9-10. The 31st
        // record threw and cost the last record of its datagram only.
        Assert.Equal(79, sink.Accepted);
        Assert.Equal(8, sink.Retracted);
        Assert.Equal(sink.Begun, sink.Ended);
        Assert.Equal(3, sink.Begun);
        Assert.Equal(0, sink.Open);
        Assert.Equal(1, ingest.Counters.DeliveryFailures);
    }

    /// <summary>Counts runs and fails the test's asserts if a record comes outside a run or a retraction inside one.</summary>
    private sealed class RunCheckingSink : INotificationSink
    {
        public int Begun;
        public int Ended;
        public int Open;
        public int Accepted;
        public int Retracted;
        public int ThrowAt = -1;

        public void BeginRecords()
        {
            Assert.Equal(0, Open);
            Open++;
            Begun++;
        }

        public void EndRecords()
        {
            Assert.Equal(1, Open);
            Open--;
            Ended++;
        }

        public DropReason Accept(in NotificationRecord record, ReadOnlySpan<byte> senderKey, PullPreference preference, long nowMs)
        {
            Assert.Equal(1, Open);
            if (Accepted++ == ThrowAt)
            {
                throw new InvalidOperationException("the table failed");
            }

            return DropReason.None;
        }

        public bool Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs)
        {
            Assert.Equal(0, Open);
            Retracted++;
            return false;
        }
    }
}
