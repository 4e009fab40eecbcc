using Tern.Engine.Crypto;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Protocol;

namespace Tern.Engine.Tests.Ingest;

public sealed class NotificationIngestTests : IDisposable
{
    private const long Now = NotificationFixture.Now;
    private readonly NotificationFixture _f = new();
    private readonly RecordingSink _sink = new();

    public void Dispose() => _f.Dispose();

    private NotificationIngest Ingest(Action<IngestOptions>? configure = null)
    {
        var options = new IngestOptions();
        configure?.Invoke(options);
        return new NotificationIngest(_f.Receiver, _sink, _sink, options);
    }

    private byte[] Datagram(DomainKeySet sender, long sentAt, long expiry, FetchCapability capability, string domain = "a.example")
    {
        var key = new byte[NotificationKey.Size];
        Assert.True(NotificationKey.TryDeriveSending(sender, _f.Receiver.AgreementPublicKey, key));
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Notification, sender.AgreementPublicKey, sentAt);
        Assert.True(writer.TryAdd(new NotificationRecord(capability, RecipientHash.NewRandom(), expiry, 10, Bytes32.Random(), 1, NotificationFlags.None,
            System.Text.Encoding.ASCII.GetBytes(domain), default, default)));
        return buffer[..writer.Seal(key)];
    }

    [Fact]
    public void A_valid_notification_reaches_the_sink_and_the_key_is_derived_once()
    {
        var ingest = Ingest();
        var first = FetchCapability.NewRandom();
        var second = FetchCapability.NewRandom();

        Assert.Equal(DropReason.None, ingest.Process(Datagram(_f.Sender, Now, Now + 60_000, first), 1, Now));
        Assert.Equal(DropReason.None, ingest.Process(Datagram(_f.Sender, Now, Now + 60_000, second), 1, Now));

        Assert.Equal([first, second], _sink.Accepted);
        Assert.Equal(1, ingest.Counters.ColdKeysDerived);
        Assert.Equal(2, ingest.Counters.RecordsAccepted);
        Assert.Equal(0, ingest.Counters.TotalDrops);
    }

    [Fact]
    public void A_staged_batch_is_delivered_at_the_flush_in_order_after_one_prefetch_hint()
    {
        var ingest = Ingest();
        var capabilities = Enumerable.Range(0, 5).Select(_ => FetchCapability.NewRandom()).ToList();

        // One receive buffer, overwritten by every datagram as a receiver's is: what is staged must not point into it.
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        foreach (var capability in capabilities)
        {
            var datagram = Datagram(_f.Sender, Now, Now + 60_000, capability);
            datagram.CopyTo(buffer, 0);
            Assert.Equal(DropReason.None, ingest.Stage(buffer.AsSpan(0, datagram.Length), 1, Now));
        }

        Array.Clear(buffer);
        Assert.Empty(_sink.Accepted);
        Assert.Empty(_sink.Prefetched);

        ingest.Flush(Now);

        Assert.Equal(capabilities, _sink.Accepted);
        Assert.Equal(capabilities, _sink.Prefetched);
        Assert.All(_sink.SenderKeys, key => Assert.Equal(_f.Sender.AgreementPublicKey.ToArray(), key));
        Assert.Equal(5, ingest.Counters.DatagramsAccepted);
        Assert.Equal(5, ingest.Counters.RecordsAccepted);

        ingest.Flush(Now);
        Assert.Equal(5, _sink.Accepted.Count);
    }

    [Fact]
    public void Staging_past_a_full_batch_flushes_the_batch_first()
    {
        var ingest = Ingest();
        var capabilities = Enumerable.Range(0, NotificationIngest.MaxStaged + 1).Select(_ => FetchCapability.NewRandom()).ToList();
        foreach (var capability in capabilities)
        {
            ingest.Stage(Datagram(_f.Sender, Now, Now + 60_000, capability), 1, Now);
        }

        Assert.Equal(capabilities.Take(NotificationIngest.MaxStaged), _sink.Accepted);
        ingest.Flush(Now);
        Assert.Equal(capabilities, _sink.Accepted);
    }

    [Fact]
    public void A_datagram_dropped_at_staging_stages_nothing()
    {
        var ingest = Ingest();
        var datagram = Datagram(_f.Sender, Now, Now + 60_000, FetchCapability.NewRandom());
        datagram[^1] ^= 1;

        Assert.Equal(DropReason.Undecryptable, ingest.Stage(datagram, 1, Now));
        ingest.Flush(Now);

        Assert.Empty(_sink.Accepted);
        Assert.Empty(_sink.Prefetched);
        Assert.Equal(1, ingest.Counters.Drops(DropReason.Undecryptable));
    }

    [Fact]
    public void Time_rules_drop_stale_future_expired_and_too_far_with_their_reason()
    {
        var ingest = Ingest();
        var day = 86_400_000L;
        Assert.Equal(DropReason.Stale, ingest.Process(Datagram(_f.Sender, Now - 601_000, Now + day, FetchCapability.NewRandom()), 1, Now));
        Assert.Equal(DropReason.Future, ingest.Process(Datagram(_f.Sender, Now + 121_000, Now + day, FetchCapability.NewRandom()), 1, Now));
        Assert.Equal(DropReason.None, ingest.Process(Datagram(_f.Sender, Now, Now - 1, FetchCapability.NewRandom()), 1, Now));
        Assert.Equal(DropReason.None, ingest.Process(Datagram(_f.Sender, Now, Now + 31 * day, FetchCapability.NewRandom()), 1, Now));

        Assert.Empty(_sink.Accepted);
        Assert.Equal(1, ingest.Counters.Drops(DropReason.Stale));
        Assert.Equal(1, ingest.Counters.Drops(DropReason.Future));
        Assert.Equal(1, ingest.Counters.Drops(DropReason.Expired));
        Assert.Equal(1, ingest.Counters.Drops(DropReason.ExpiryTooFar));
    }

    [Fact]
    public void Ignored_senders_and_full_tables_are_counted_not_recorded()
    {
        var ingest = Ingest();
        _sink.Preferences["spam.example"] = PullPreference.Ignore;
        ingest.Process(Datagram(_f.Sender, Now, Now + 60_000, FetchCapability.NewRandom(), "spam.example"), 1, Now);
        _sink.NextResult = DropReason.TableFull;
        ingest.Process(Datagram(_f.Sender, Now, Now + 60_000, FetchCapability.NewRandom()), 1, Now);

        Assert.Empty(_sink.Accepted);
        Assert.Equal(1, ingest.Counters.Drops(DropReason.Ignored));
        Assert.Equal(1, ingest.Counters.Drops(DropReason.TableFull));
    }

    [Fact]
    public void A_source_over_its_rate_is_dropped_while_others_pass()
    {
        var ingest = Ingest(o =>
        {
            o.DatagramsPerSecondPerSource = 10;
            o.DatagramBurstPerSource = 5;
        });
        var datagram = Datagram(_f.Sender, Now, Now + 60_000, FetchCapability.NewRandom());
        var outcomes = Enumerable.Range(0, 8).Select(_ => ingest.Process(datagram, 7, Now)).ToList();

        Assert.Equal(5, outcomes.Count(r => r == DropReason.None));
        Assert.Equal(3, ingest.Counters.Drops(DropReason.OverRate));
        Assert.Equal(DropReason.None, ingest.Process(datagram, 8, Now));        // another source
        Assert.Equal(DropReason.None, ingest.Process(datagram, 7, Now + 100));  // refilled: 10/s × 0.1 s = 1 token
    }

    [Fact]
    public void Random_sender_keys_from_one_source_exhaust_the_cold_key_budget_without_blocking_known_peers()
    {
        var ingest = Ingest(o => o.ColdKeysPerSecondPerSource = 3);
        var known = Datagram(_f.Sender, Now, Now + 60_000, FetchCapability.NewRandom());
        Assert.Equal(DropReason.None, ingest.Process(known, 1, Now));

        var strangers = Enumerable.Range(0, 10).Select(_ => DomainKeySet.Generate("x.example")).ToList();
        var outcomes = strangers.Select(s => ingest.Process(Datagram(s, Now, Now + 60_000, FetchCapability.NewRandom()), 2, Now)).ToList();
        strangers.ForEach(s => s.Dispose());

        Assert.Equal(3, outcomes.Count(r => r == DropReason.None));
        Assert.Equal(7, ingest.Counters.Drops(DropReason.ColdKeyBudget));
        Assert.Equal(DropReason.None, ingest.Process(known, 1, Now)); // the cached peer is unaffected
    }

    [Fact]
    public void Hostile_bytes_never_reach_the_sink_and_every_drop_has_a_reason()
    {
        var ingest = Ingest(o => o.DatagramsPerSecondPerSource = 1_000_000);
        var valid = Datagram(_f.Sender, Now, Now + 60_000, FetchCapability.NewRandom());
        _sink.Recording = false;
        var processed = 0;
        Hostile.Check(FsCheck.Fluent.Gen.OneOf(Hostile.Bytes(1300), Hostile.Mutations(valid)), datagram =>
        {
            var reason = ingest.Process(datagram, datagram.Length, Now);
            Assert.True(reason != DropReason.None || datagram.AsSpan().SequenceEqual(valid));
            processed++;
        }, count: 5_000);

        var accepted = ingest.Counters.DatagramsAccepted;
        Assert.Equal(processed, accepted + ingest.Counters.TotalDrops);
    }

    [Fact]
    public void Retractions_reach_the_sink()
    {
        var ingest = Ingest();
        var key = new byte[NotificationKey.Size];
        NotificationKey.TryDeriveSending(_f.Sender, _f.Receiver.AgreementPublicKey, key);
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var capability = FetchCapability.NewRandom();
        var writer = new DatagramWriter(buffer, DatagramType.Retraction, _f.Sender.AgreementPublicKey, Now);
        writer.TryAdd(new RetractionRecord(capability, RecipientHash.NewRandom(), RetractionFlags.None, "a.example"u8));

        Assert.Equal(DropReason.None, ingest.Process(buffer.AsSpan(0, writer.Seal(key)), 1, Now));
        Assert.Equal([capability], _sink.Retracted);
    }

    [Fact]
    public void The_per_datagram_path_allocates_nothing_once_the_peer_is_known()
    {
        var ingest = Ingest(o => o.DatagramsPerSecondPerSource = 1_000_000);
        _sink.Recording = false;
        var datagram = Datagram(_f.Sender, Now, Now + 60_000, FetchCapability.NewRandom());
        ingest.Process(datagram, 1, Now);

        // Rounds after a warm-up: the runtime may allocate once while it tiers the loop up (on-stack replacement),
        // but a path that allocated per datagram would show in every round.
        var rounds = Enumerable.Range(0, 4).Select(_ => AllocatedBy(() => ProcessMany(ingest, datagram, 1000))).ToList();

        Assert.Contains(0L, rounds.Skip(1));
        Assert.Equal(4001, ingest.Counters.RecordsAccepted);
    }

    internal static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static void ProcessMany(NotificationIngest ingest, byte[] datagram, int count)
    {
        for (var i = 0; i < count; i++)
        {
            ingest.Process(datagram, 1, Now);
        }
    }

    [Fact]
    public void The_peer_key_cache_stays_within_its_capacity()
    {
        var cache = new PeerKeyCache(16);
        var keys = Enumerable.Range(0, 200).Select(_ => Bytes32.Random().ToArray()).ToList();
        foreach (var key in keys)
        {
            cache.Add(key, key);
        }

        Assert.True(cache.Count <= cache.Capacity);
        Assert.True(cache.TryGet(keys[^1], out var found));

        // What the cache found is that key: it opens what the key sealed, twice (the second time with the subkey it kept).
        var nonce = new byte[XChaCha20Poly1305.NonceSize];
        var plaintext = new byte[100];
        var sealedBytes = new byte[plaintext.Length + XChaCha20Poly1305.TagSize];
        XChaCha20Poly1305.Seal(keys[^1], nonce, plaintext, default, sealedBytes);
        Assert.True(XChaCha20Poly1305Key.TryOpen(found, nonce, sealedBytes, default, new byte[plaintext.Length]));
        Assert.True(XChaCha20Poly1305Key.TryOpen(found, nonce, sealedBytes, default, new byte[plaintext.Length]));
        XChaCha20Poly1305.Seal(keys[0], nonce, plaintext, default, sealedBytes);
        Assert.False(XChaCha20Poly1305Key.TryOpen(found, nonce, sealedBytes, default, new byte[plaintext.Length]));
    }
}
