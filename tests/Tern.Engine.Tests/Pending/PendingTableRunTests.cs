using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using static Tern.Engine.Tests.Pending.PendingFixture;

namespace Tern.Engine.Tests.Pending;

/// <summary>
/// A run of inserts (<see cref="PendingTable.BeginInserts"/>: the gate and a session taken once for a receive batch's
/// records) files exactly what the same inserts file one by one, and a session's memory of its last sender never
/// lends one sender's profile or domain to another's records.
/// </summary>
public sealed class PendingTableRunTests : IDisposable
{
    private static readonly byte[] OtherKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    private readonly PendingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void A_run_files_duplicates_caps_and_each_records_own_sender_as_single_inserts_do()
    {
        using var table = _fixture.Open(o => o.MaxEntriesPerRecipientHash = 4);
        var a = Hash(1);
        var b = Hash(2);

        table.BeginInserts();
        var results = new List<PendingInsertResult>();
        try
        {
            // Senders alternate record by record, as two peers' datagrams of one batch do.
            for (var i = 0; i < 6; i++)
            {
                results.Add(i % 2 == 0
                    ? Insert(table, Capability(i), a)
                    : Insert(table, Capability(i), b, domain: "other.example", mime: "image/png", senderKey: OtherKey));
            }

            results.Add(Insert(table, Capability(0), a));
            results.Add(Insert(table, Capability(100), a));
            results.Add(Insert(table, Capability(101), a));
        }
        finally
        {
            table.EndInserts();
        }

        Assert.All(results.Take(6), r => Assert.Equal(PendingInsertStatus.Inserted, r.Status));
        Assert.Equal(PendingInsertResult.Duplicate(results[0].Sequence), results[6]);
        Assert.Equal(PendingInsertStatus.Inserted, results[7].Status);
        Assert.Equal(PendingInsertResult.Full(PendingCap.RecipientHash), results[8]);

        var filedA = PollAll(table, a);
        Assert.Equal([Capability(0), Capability(2), Capability(4), Capability(100)], filedA.Select(r => r.Capability));
        Assert.All(filedA, r => Assert.Equal(("sender.example", "text/plain", new Bytes32(SenderKey)), (r.SenderDomain, r.MimeHint, r.SenderKey)));
        var filedB = PollAll(table, b);
        Assert.Equal([Capability(1), Capability(3), Capability(5)], filedB.Select(r => r.Capability));
        Assert.All(filedB, r => Assert.Equal(("other.example", "image/png", new Bytes32(OtherKey)), (r.SenderDomain, r.MimeHint, r.SenderKey)));
        Assert.Equal((4L, 3L), (table.GetSenderDomainCount("sender.example"), table.GetSenderDomainCount("other.example")));
        Assert.Equal(7, table.Count);
    }

    [Fact]
    public void A_sender_domain_at_its_cap_is_refused_in_a_run_while_another_is_filed()
    {
        using var table = _fixture.Open(o => o.MaxEntriesPerSenderDomain = 2);
        table.BeginInserts();
        try
        {
            Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(0), Hash(1)).Status);
            Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(1), Hash(2)).Status);
            Assert.Equal(PendingInsertResult.Full(PendingCap.SenderDomain), Insert(table, Capability(2), Hash(3)));
            Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(3), Hash(3), domain: "other.example").Status);
            Assert.Equal(PendingInsertResult.Full(PendingCap.SenderDomain), Insert(table, Capability(4), Hash(3)));
        }
        finally
        {
            table.EndInserts();
        }

        Assert.Equal((2L, 1L), (table.GetSenderDomainCount("sender.example"), table.GetSenderDomainCount("other.example")));
    }

    [Fact]
    public void A_thread_has_one_run_at_a_time_and_ends_only_its_own()
    {
        using var table = _fixture.Open();
        using var other = new PendingTable(_fixture.Options(o => o.DataDirectory = Path.Combine(_fixture.Directory, "other")));
        Assert.Throws<InvalidOperationException>(table.EndInserts);

        table.BeginInserts();
        Assert.Throws<InvalidOperationException>(table.BeginInserts);
        Assert.Throws<InvalidOperationException>(other.BeginInserts);
        Assert.Throws<InvalidOperationException>(other.EndInserts);

        // Another thread is not in this thread's run: its insert takes the gate and a session of its own. (A thread, not
        // an await: the run belongs to this thread, and a continuation may run on another.)
        var elsewhere = default(PendingInsertResult);
        var thread = new Thread(() => elsewhere = Insert(table, Capability(1), Hash(1)));
        thread.Start();
        thread.Join();
        Assert.Equal(PendingInsertStatus.Inserted, elsewhere.Status);

        // Inside the run only inserts: anything else would take the gate a second time on this thread.
        Assert.Throws<LockRecursionException>(() => table.Poll(Hash(1), 0, 10));
        table.EndInserts();

        Assert.Single(table.Poll(Hash(1), 0, 10).References);
        table.BeginInserts();
        table.EndInserts();
    }

    [Fact]
    public async Task What_a_run_filed_is_in_the_next_checkpoint_and_back_after_reopening()
    {
        var table = _fixture.Open();
        table.BeginInserts();
        try
        {
            for (var i = 0; i < 50; i++)
            {
                Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(i), Hash(i % 5), domain: i % 2 == 0 ? "sender.example" : "other.example").Status);
            }
        }
        finally
        {
            table.EndInserts();
        }

        await table.TakeCheckpointAsync();
        table.Dispose();

        using var reopened = _fixture.Open();
        Assert.Equal(50, reopened.Count);
        for (var h = 0; h < 5; h++)
        {
            var expected = Enumerable.Range(0, 50).Where(i => i % 5 == h).Select(i => (Capability(i), i % 2 == 0 ? "sender.example" : "other.example"));
            Assert.Equal(expected, PollAll(reopened, Hash(h)).Select(r => (r.Capability, r.SenderDomain)));
        }
    }
}
