using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Protocol;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// docs/PROTOCOL.md §4.4: when a datagram or a record breaks several rules it is counted once, under the first in the
/// order of the table. One test per pair whose order is not forced by the bytes (datagram-verdicts.json holds the pairs
/// that depend on the bytes alone; these need the receiver's policies: rate, cold-key budget, preference, table caps).
/// </summary>
public sealed class DropOrderTests : IDisposable
{
    private const long Now = NotificationFixture.Now;
    private const long Day = 86_400_000;
    private readonly NotificationFixture _f = new();
    private readonly RecordingSink _sink = new();

    public void Dispose() => _f.Dispose();

    private NotificationIngest Ingest(Action<IngestOptions>? configure = null, DomainBlockList? blocks = null)
    {
        var options = new IngestOptions();
        configure?.Invoke(options);
        return new NotificationIngest(_f.Receiver, _sink, _sink, options, blocks: blocks);
    }

    private byte[] Valid(long sentAt = Now, params byte[][] records)
        => RawDatagrams.Seal(_f.Sender, _f.Receiver, DatagramType.Notification, sentAt,
            records.Length > 0 ? records : [RawDatagrams.Notification(FetchCapability.NewRandom(), RecipientHash.NewRandom(), Now + Day)]);

    private static byte[] Record(long expiryMs, string domain = "a.example", NotificationFlags flags = NotificationFlags.None)
        => RawDatagrams.Notification(FetchCapability.NewRandom(), RecipientHash.NewRandom(), expiryMs, domain, flags);

    [Fact]
    public void Header_drops_spend_no_rate_token()
    {
        var ingest = Ingest(o => (o.DatagramBurstPerSource, o.DatagramsPerSecondPerSource) = (1, 0.001));
        var garbage = Valid();
        garbage[0] = 2;

        Assert.Equal(DropReason.UnknownVersion, ingest.Process(garbage, 7, Now));
        Assert.Equal(DropReason.None, ingest.Process(Valid(), 7, Now));
        Assert.Equal(DropReason.OverRate, ingest.Process(Valid(), 7, Now));
    }

    [Fact]
    public void Over_rate_comes_before_the_cold_key_budget_and_the_aead()
    {
        using var stranger = DomainKeySet.Generate("c.example");
        var ingest = Ingest(o => (o.DatagramBurstPerSource, o.DatagramsPerSecondPerSource, o.ColdKeysPerSecondPerSource) = (1, 0.001, 1));
        Assert.Equal(DropReason.None, ingest.Process(Valid(), 1, Now));

        // The source's rate and its cold-key budget are both spent: a new key is over_rate, not cold_key_budget.
        var cold = RawDatagrams.Seal(stranger, _f.Receiver, DatagramType.Notification, Now, Record(Now + Day));
        Assert.Equal(DropReason.OverRate, ingest.Process(cold, 1, Now));
        var tampered = Valid();
        tampered[^1] ^= 1;
        Assert.Equal(DropReason.OverRate, ingest.Process(tampered, 1, Now));

        Assert.Equal(2, ingest.Counters.Drops(DropReason.OverRate));
        Assert.Equal(2, ingest.Counters.TotalDrops);
        Assert.Equal(1, ingest.Counters.ColdKeysDerived);
    }

    [Fact]
    public void Cold_key_budget_comes_before_the_aead_and_the_low_order_check()
    {
        using var first = DomainKeySet.Generate("c.example");
        using var second = DomainKeySet.Generate("d.example");
        var ingest = Ingest(o => o.ColdKeysPerSecondPerSource = 1);
        Assert.Equal(DropReason.None, ingest.Process(RawDatagrams.Seal(first, _f.Receiver, DatagramType.Notification, Now, Record(Now + Day)), 2, Now));

        var tampered = RawDatagrams.Seal(second, _f.Receiver, DatagramType.Notification, Now, Record(Now + Day));
        tampered[^1] ^= 1;
        var lowOrder = Valid();
        Array.Clear(lowOrder, 2, 32);

        Assert.Equal(DropReason.ColdKeyBudget, ingest.Process(tampered, 2, Now));
        Assert.Equal(DropReason.ColdKeyBudget, ingest.Process(lowOrder, 2, Now));
        Assert.Equal(DropReason.Undecryptable, ingest.Process(lowOrder, 3, Now));
        Assert.Equal(DropReason.Undecryptable, ingest.Process(tampered, 4, Now));
    }

    [Fact]
    public void Malformed_comes_before_stale_and_future()
    {
        var ingest = Ingest();
        var reserved = Record(Now + Day, flags: (NotificationFlags)0x02);

        Assert.Equal(DropReason.Malformed, ingest.Process(Valid(Now - 601_000, reserved), 1, Now));
        Assert.Equal(DropReason.Malformed, ingest.Process(Valid(Now + 121_000, reserved), 1, Now));
        Assert.Equal(0, ingest.Counters.Drops(DropReason.Stale) + ingest.Counters.Drops(DropReason.Future));
    }

    [Fact]
    public void One_malformed_record_drops_the_datagram_and_no_record_of_it_is_counted_or_filed()
    {
        var ingest = Ingest();

        var reason = ingest.Process(Valid(Now, Record(Now + Day), Record(Now - 1), Record(Now + Day, flags: (NotificationFlags)0x80)), 1, Now);

        Assert.Equal(DropReason.Malformed, reason);
        Assert.Empty(_sink.Accepted);
        Assert.Equal(1, ingest.Counters.TotalDrops);
        Assert.Equal(0, ingest.Counters.RecordsAccepted);
    }

    [Fact]
    public void A_stale_or_future_datagram_is_one_drop_and_its_records_are_not_judged()
    {
        var ingest = Ingest();

        Assert.Equal(DropReason.Stale, ingest.Process(Valid(Now - 601_000, Record(Now - 1), Record(Now + (31 * Day))), 1, Now));
        Assert.Equal(DropReason.Future, ingest.Process(Valid(Now + 121_000, Record(Now - 1), Record(Now + (31 * Day))), 1, Now));

        Assert.Equal(2, ingest.Counters.TotalDrops);
        Assert.Equal(0, ingest.Counters.Drops(DropReason.Expired) + ingest.Counters.Drops(DropReason.ExpiryTooFar));
    }

    [Fact]
    public void Expiry_comes_before_the_pull_preference_record_by_record()
    {
        _sink.Preferences["a.example"] = PullPreference.Ignore;
        var ingest = Ingest();

        Assert.Equal(DropReason.None, ingest.Process(Valid(Now, Record(Now), Record(Now + (31 * Day)), Record(Now + Day)), 1, Now));

        Assert.Equal((1L, 1L, 1L), (ingest.Counters.Drops(DropReason.Expired), ingest.Counters.Drops(DropReason.ExpiryTooFar), ingest.Counters.Drops(DropReason.Ignored)));
        Assert.Equal(3, ingest.Counters.TotalDrops);
        Assert.Empty(_sink.Accepted);
    }

    [Fact]
    public void Blocked_comes_after_expiry_and_before_the_pull_preference_record_by_record()
    {
        var blocks = new DomainBlockList();
        blocks.Add("Blocked.Example");
        _sink.Preferences["blocked.example"] = PullPreference.Ignore;
        var ingest = Ingest(blocks: blocks);

        Assert.Equal(DropReason.None, ingest.Process(Valid(Now, Record(Now, "blocked.example"), Record(Now + Day, "blocked.example"), Record(Now + Day)), 1, Now));

        // §4.4: the expired record is `expired`, the live one `blocked` (not `ignored`), another domain's record is filed.
        Assert.Equal((1L, 1L, 0L), (ingest.Counters.Drops(DropReason.Expired), ingest.Counters.Drops(DropReason.Blocked), ingest.Counters.Drops(DropReason.Ignored)));
        Assert.Single(_sink.Accepted);
        Assert.Equal([("blocked.example", 1L)], blocks.Snapshot());

        // Lifted, the domain's next record goes on to its preference.
        Assert.True(blocks.Remove("blocked.example"));
        ingest.Process(Valid(Now, Record(Now + Day, "blocked.example")), 1, Now);
        Assert.Equal((1L, 1L), (ingest.Counters.Drops(DropReason.Blocked), ingest.Counters.Drops(DropReason.Ignored)));
    }

    [Fact]
    public void Ignored_comes_before_table_full_so_an_ignored_record_never_reaches_the_table()
    {
        _sink.Preferences["ignored.example"] = PullPreference.Ignore;
        _sink.Preferences["a.example"] = PullPreference.WhenRequested;
        _sink.NextResult = DropReason.TableFull;
        var ingest = Ingest();

        Assert.Equal(DropReason.None, ingest.Process(Valid(Now, Record(Now + Day, "ignored.example"), Record(Now + Day)), 1, Now));

        Assert.Equal((1L, 1L), (ingest.Counters.Drops(DropReason.Ignored), ingest.Counters.Drops(DropReason.TableFull)));
    }

    [Fact]
    public void A_retransmission_is_accepted_not_table_full_even_when_the_table_is_full()
    {
        using var f = new PendingIngestFixture(table: o => o.MaxEntriesPerRecipientHash = 1);
        var hash = RecipientHash.NewRandom();
        var filed = FetchCapability.NewRandom();
        Assert.Equal(DropReason.None, f.Notify(f.Sender, RawDatagrams.Notification(filed, hash, Now + Day)));

        var again = RawDatagrams.Notification(filed, hash, Now + Day, attempt: 2);
        var another = RawDatagrams.Notification(FetchCapability.NewRandom(), hash, Now + Day);
        Assert.Equal(DropReason.None, f.Notify(f.Sender, again, another));

        Assert.Equal(2, f.Ingest.Counters.RecordsAccepted);
        Assert.Equal(1, f.Ingest.Counters.Drops(DropReason.TableFull));
        Assert.Equal(1, f.Table.Count);
    }
}
