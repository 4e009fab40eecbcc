using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using static Tern.Engine.Tests.Pending.PendingFixture;

namespace Tern.Engine.Tests.Pending;

/// <summary>References name their sender's profile by id (docs/ARCHITECTURE.md §3.5), or carry it inline when the profiles are full.</summary>
public sealed class SenderProfilesTests : IDisposable
{
    private readonly PendingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task References_of_one_sender_share_its_profile_across_a_reopen()
    {
        using (var table = _fixture.Open())
        {
            for (var i = 0; i < 200; i++)
            {
                Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(i), Hash(i % 5), domain: i % 2 == 0 ? "even.example" : "odd.example").Status);
            }

            Assert.Equal(2, table.SenderProfileCount);
            await table.DisposeAsync();
        }

        using (var table = _fixture.Open())
        {
            Assert.Equal(2, table.SenderProfileCount);
            var references = Enumerable.Range(0, 5).SelectMany(h => PollAll(table, Hash(h))).ToList();
            Assert.Equal(200, references.Count);
            foreach (var reference in references)
            {
                var i = (int)(reference.Capability.Value.ToArray()[7] | (reference.Capability.Value.ToArray()[6] << 8));
                Assert.Equal(Capability(i), reference.Capability);
                Assert.Equal(i % 2 == 0 ? "even.example" : "odd.example", reference.SenderDomain);
                Assert.Equal(new Bytes32(SenderKey), reference.SenderKey);
                Assert.Equal("text/plain", reference.MimeHint);
                Assert.Equal(["https://tern.example.org/v1/blobs", "tern+tcp://tern.example.org:7443"], reference.FetchHints);
                Assert.Equal(PayloadHashOf(reference.Capability), reference.PayloadHash);
                Assert.Equal(1234, reference.PayloadSize);
                Assert.Equal(ExpiryMs, reference.TransitExpiryMs);
                Assert.Equal(StartMs, reference.ReceivedAtMs);
            }

            // A new profile after the reopen takes the next id, not one the file already holds.
            Insert(table, Capability(1000), Hash(0), domain: "third.example");
            Assert.Equal(3, table.SenderProfileCount);
            Assert.Equal("even.example", table.Find(Capability(0), out _)!.SenderDomain);
            Assert.Equal("third.example", table.Find(Capability(1000), out _)!.SenderDomain);
        }
    }

    [Fact]
    public void With_no_room_for_profiles_references_carry_theirs_inline()
    {
        using var table = _fixture.Open(options => options.MaxSenderProfiles = 1);
        Insert(table, Capability(1), Hash(1), domain: "first.example");
        Insert(table, Capability(2), Hash(1), domain: "second.example", mime: "message/rfc822");
        Assert.Equal(1, table.SenderProfileCount);
        var references = PollAll(table, Hash(1));
        Assert.Equal(["first.example", "second.example"], references.Select(r => r.SenderDomain));
        Assert.Equal("message/rfc822", references[1].MimeHint);
        Assert.False(table.Retract(Capability(2), Hash(1), new byte[32], StartMs));
        Assert.True(table.Retract(Capability(2), Hash(1), SenderKey, StartMs));
    }

    [Fact]
    public void A_profile_file_cut_in_its_last_record_loses_only_that_record()
    {
        using var directory = new TempDirectory("profiles");
        var path = Path.Combine(directory.Path, "profiles.bin");
        var profiles = new SenderProfiles(16);
        Assert.True(profiles.TryGetOrAdd(Profile("a.example"), out var a));
        Assert.True(profiles.TryGetOrAdd(Profile("b.example"), out var b));
        Assert.True(profiles.TryGetOrAdd(Profile("a.example"), out var again));
        Assert.Equal((1, 2, 1), (a, b, again));
        profiles.Persist(path);
        var whole = new FileInfo(path).Length;
        using (var stream = new FileStream(path, FileMode.Append))
        {
            stream.Write([40, 0, 1, 2, 3]);
        }

        var loaded = new SenderProfiles(16);
        loaded.Load(path);
        Assert.Equal(2, loaded.Count);
        Assert.Equal("b.example", loaded.ById(2)!.SenderDomain);
        Assert.Equal(whole, new FileInfo(path).Length);
        Assert.True(loaded.TryGetOrAdd(Profile("c.example"), out var c));
        Assert.Equal(3, c);

        // The next append follows the last whole record.
        loaded.Persist(path);
        var reloaded = new SenderProfiles(16);
        reloaded.Load(path);
        Assert.Equal(3, reloaded.Count);
        Assert.Equal("c.example", reloaded.ById(3)!.SenderDomain);
    }

    [Fact]
    public async Task A_table_without_its_profile_file_is_refused_with_a_reason()
    {
        using (var table = _fixture.Open())
        {
            Insert(table, Capability(1), Hash(1));
            await table.DisposeAsync();
        }

        File.Delete(Path.Combine(_fixture.Directory, "pending", "profiles.bin"));
        var error = Assert.Throws<InvalidDataException>(() => _fixture.Open());
        Assert.Contains("profiles.bin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_file_with_a_bad_record_is_refused_with_a_reason()
    {
        using var directory = new TempDirectory("profiles");
        var path = Path.Combine(directory.Path, "profiles.bin");
        var profiles = new SenderProfiles(16);
        profiles.TryGetOrAdd(Profile("a.example"), out _);
        profiles.Persist(path);
        var bytes = File.ReadAllBytes(path);
        bytes[10 + 32] = 200;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => new SenderProfiles(16).Load(path));
        Assert.Contains("profiles.bin", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, 0L, 0)]
    [InlineData(86_400_000L, 51_200L, 3)]
    [InlineData(-5_000L, long.MaxValue, 1)]
    public void The_compact_encoding_reads_back_what_it_wrote(long expiryAfterReceived, long payloadSize, int profileId)
    {
        var profiles = new SenderProfiles(16);
        var profile = Profile("a.example");
        profiles.TryGetOrAdd(Profile("z.example"), out _);
        profiles.TryGetOrAdd(Profile("y.example"), out _);
        profiles.TryGetOrAdd(profile, out var id);
        var hintBytes = FetchHintList.Encode(["https://a.example/v1/blobs"]);
        Assert.True(FetchHintList.TryCreate(hintBytes, out var hints));
        var record = new NotificationRecord(Capability(9), Hash(9), StartMs + expiryAfterReceived, payloadSize, PayloadHashOf(Capability(9)), 65535, NotificationFlags.ViaGateway, "a.example"u8, "text/plain"u8, hints);
        var buffer = new byte[ReferenceCodec.MaxSize];
        var length = ReferenceCodec.Write(record, StartMs, profileId == 0 ? 0 : id, profile, buffer);
        Assert.True(length <= (profileId == 0 ? 200 : 90));
        var read = ReferenceCodec.Read(buffer.AsSpan(0, length), 77, profiles);
        Assert.NotNull(read);
        Assert.Equal((Capability(9), StartMs + expiryAfterReceived, payloadSize, StartMs, (ushort)65535, NotificationFlags.ViaGateway, 77UL), (read.Capability, read.TransitExpiryMs, read.PayloadSize, read.ReceivedAtMs, read.Attempt, read.Flags, read.Sequence));
        Assert.Equal(("a.example", "text/plain", new Bytes32(SenderKey)), (read.SenderDomain, read.MimeHint, read.SenderKey));
        Assert.Equal(SenderKey, ReferenceCodec.ReadSenderKey(buffer.AsSpan(0, length), profiles).ToArray());

        // Cut anywhere, it is refused or read without throwing.
        for (var cut = 0; cut < length; cut++)
        {
            _ = ReferenceCodec.Read(buffer.AsSpan(0, cut), 77, profiles);
            _ = ReferenceCodec.ReadSenderKey(buffer.AsSpan(0, cut), profiles);
        }
    }

    private static byte[] Profile(string domain)
    {
        var hintBytes = FetchHintList.Encode(["https://a.example/v1/blobs"]);
        Assert.True(FetchHintList.TryCreate(hintBytes, out var hints));
        var record = new NotificationRecord(Capability(1), Hash(1), ExpiryMs, 1, default, 1, NotificationFlags.None, System.Text.Encoding.ASCII.GetBytes(domain), "text/plain"u8, hints);
        var buffer = new byte[SenderProfileCodec.MaxSize];
        return buffer.AsSpan(0, SenderProfileCodec.Write(record, SenderKey, buffer)).ToArray();
    }
}
