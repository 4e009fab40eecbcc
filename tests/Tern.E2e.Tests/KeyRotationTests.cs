using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tern.Cli.Demo;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Node;
using Xunit.Abstractions;

namespace Tern.E2e.Tests;

/// <summary>
/// Issue 16, "key rotation across two node processes" (docs/PROTOCOL.md §16), on a time scale of seconds set through
/// configuration only: b.example's descriptor is valid for <see cref="Validity"/> and its rotation's window is
/// <see cref="Overlap"/>. b.example rotates through its admin route and moves its notification port at the same moment
/// (the new port listed first, the old kept and still listened on, §16.5). a.example, which holds the old descriptor, keeps
/// delivering: its next notification is sealed to the old key, sent to the old port, opens there under the old key and is
/// pulled. Once a.example's copy of the descriptor has expired it seals to the new key and sends to the new port, with no
/// restart. After the window a datagram sealed to the retired key is dropped as <c>undecryptable</c> and counted, while
/// a.example's own traffic is not; the users' key records, re-signed with the new domain key, still let alice send to bob
/// by address, and bob's key canary stays quiet.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class KeyRotationTests(ITestOutputHelper output)
{
    /// <summary>b.example's descriptor validity: a.example keeps a copy at most this long (§6.4 step 5), at least half of it.</summary>
    private static readonly TimeSpan Validity = TimeSpan.FromSeconds(20);

    /// <summary>The rotation's window, longer than <see cref="Validity"/> as §16.6 requires.</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(24);

    [SkippableFact]
    public async Task A_peer_keeps_delivering_through_a_key_rotation_and_a_moved_port_and_the_retired_key_opens_nothing()
    {
        Processes.RequireDnsmasq();
        var options = new DemoClusterOptions
        {
            // No SRV records: a.example takes b.example's notification port from its descriptor, where the move is published.
            Discovery = DemoDiscovery.WellKnown,
            RecipientSettings = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
            {
                ["Tern:WellKnown:Validity"] = Validity.ToString("c", CultureInfo.InvariantCulture),
                ["Tern:Node:MoreNotifyEndpoints"] = new JsonArray("127.0.0.1:0"),
            },
        };
        await using var cluster = await DemoCluster.StartAsync(Processes.Tern, options, new DemoNarrator(new OutputWriter(output)));
        var b = cluster.B;
        var oldPort = b.Ports!.Notify;
        var newPort = Assert.Single(b.Ports.MoreNotify);
        using var admin = Exposition.Client(b, Exposition.TokenOf(b));

        // Before the move b.example's descriptor names only its old port.
        await PublishNotifyAsync(cluster, [oldPort]);
        var users = await Correspondents.CreateAsync(cluster);
        await PublishKeysAsync(users);

        // alice's first message: a.example finds b.example's descriptor now, so its copy is fresh when the rotation begins.
        await users.SendAsync(users.RandomFile("before.bin", 2_000));
        await StoredAsync(users, 1);
        var before = await NotifyStatsSnapshot.ReadAsync(admin);
        Assert.True(before.Port(oldPort).Accepted >= 1);
        Assert.Equal(0, before.OpenedUnderOtherKey);
        using var oldKeys = DomainKeySet.Load(TernDataDirectory.Keys(b.DataDirectory));

        // b.example rotates (the admin route), publishes both fingerprints in DNS, and moves its port: new first, old kept.
        var rotation = await RotateAsync(admin);
        Assert.Equal("rotated", rotation.GetProperty("state").GetString());
        Assert.Equal(b.Fingerprint, rotation.GetProperty("previousFingerprint").GetString());
        var newFingerprint = Bytes32.Parse(rotation.GetProperty("fingerprint").GetString()!);
        var previousUntil = rotation.GetProperty("previousUntil").GetDateTimeOffset();
        await cluster.Dns!.ReplaceZoneAsync(Zone(cluster, newFingerprint, b.FingerprintBytes));
        await PublishNotifyAsync(cluster, [newPort, oldPort]);
        var served = await cluster.ServedDescriptorAsync(b);
        Assert.Equal(KeyRotationState.Rotated, served.RotationState);
        Assert.Equal(new Bytes32(oldKeys.AgreementPublicKey), served.PreviousAgreementKey);

        // In the window, a.example still holds the old descriptor: its notification is sealed to the old key and sent to the
        // old port, which b.example still listens on; it opens there under the old key, and b.example pulls it.
        var sentOld = await users.SendAsync(users.RandomFile("in-window.bin", 3_000));
        await StoredAsync(users, 2);
        Assert.True(await Eventually.TrueAsync(async () => await users.StateAsync(sentOld) == "fetched", TimeSpan.FromSeconds(20)));
        var afterOld = await NotifyStatsSnapshot.ReadAsync(admin);
        Assert.True(afterOld.Port(oldPort).OpenedUnderOtherKey >= 1, $"nothing opened under the previous key at {oldPort}: {Describe(afterOld)}");

        // A peer that never heard of the rotation is still understood in the window: its first datagram to a key it holds
        // under neither secret goes to probation under the preferred one, its retransmission opens under the other (§16.4).
        using var stale = new RotationPeer(oldKeys.AgreementPublicKey);
        var oldEndPoint = IPEndPoint.Parse(oldPort);
        stale.Send(oldEndPoint);
        stale.Send(oldEndPoint);
        Assert.True(await Eventually.TrueAsync(async () => (await NotifyStatsSnapshot.ReadAsync(admin)).OpenedUnderOtherKey == afterOld.OpenedUnderOtherKey + 1, TimeSpan.FromSeconds(10)));

        // bob now pulls a.example's messages when he asks, so the next one is retransmitted until he does: once a.example's copy
        // of the descriptor has expired (within its validity), it seals to the new key and sends to the new port.
        Assert.Equal(0, (await users.Bob.RunAsync("prefer", "a.example", "--pull", "whenRequested")).ExitCode);
        var sentNew = await users.SendAsync(users.RandomFile("after-refresh.bin", 4_321));
        Assert.True(await Eventually.TrueAsync(async () => (await NotifyStatsSnapshot.ReadAsync(admin)).Port(newPort).OpenedUnderPreferredKey >= 1, Validity + TimeSpan.FromSeconds(10)),
            $"a.example never sealed to the new key at the new port: {Describe(await NotifyStatsSnapshot.ReadAsync(admin))}");
        Assert.True(DateTimeOffset.UtcNow < previousUntil, "the window ended before a.example followed; the test's time scale is too short for this machine");
        var page = await users.Bob.JsonAsync("poll", "--hash", users.BobHash);
        var waiting = page.GetProperty("references").EnumerateArray().Single(r => r.GetProperty("size").GetInt64() == 4_321);
        Assert.Equal(0, (await users.Bob.RunAsync("refs", "pull", waiting.GetProperty("capability").GetString()!)).ExitCode);
        await StoredAsync(users, 3);
        Assert.True(await Eventually.TrueAsync(async () => await users.StateAsync(sentNew) == "fetched", TimeSpan.FromSeconds(20)));

        // The window ends: b.example retires the old key set and serves a descriptor without rotation fields; DNS names only
        // the new fingerprint.
        Assert.True(await Eventually.TrueAsync(async () => (await cluster.ServedDescriptorAsync(b, [newFingerprint])).RotationState == KeyRotationState.None, Overlap + TimeSpan.FromSeconds(10)));
        Assert.True(DateTimeOffset.UtcNow >= previousUntil);
        await cluster.Dns.ReplaceZoneAsync(Zone(cluster, newFingerprint));
        var retired = await NotifyStatsSnapshot.ReadAsync(admin);

        // A datagram sealed to the retired key opens under neither secret, however often it comes: dropped and counted.
        stale.Send(oldEndPoint);
        stale.Send(oldEndPoint);
        Assert.True(await Eventually.TrueAsync(async () => (await NotifyStatsSnapshot.ReadAsync(admin)).Drop("undecryptable") == retired.Drop("undecryptable") + 2, TimeSpan.FromSeconds(10)));

        // bob's key record was re-signed with b.example's new key at the rotation: alice's client, through a.example's
        // directory, still verifies it and sends to bob by address; bob's canary sees his own fingerprint, no alarm.
        var letter = users.Alice.File("letter.txt");
        await File.WriteAllTextAsync(letter, "bob, after your domain's new keys");
        var byAddress = await users.Alice.RunAsync("send", letter, "--to", users.Bob.Address, "--key", users.Alice.File("alice.key"), "--json");
        Assert.True(byAddress.ExitCode == 0, byAddress.Output);
        var canary = await users.Bob.RunAsync("keys", "check", "--key", users.Bob.File("bob.key"), "--lookup", $"tern+tcp://{b.Ports.Framed}");
        Assert.True(canary.ExitCode == 0, canary.Output);

        // a.example's notification of that letter is sealed to the new key: the retired key's drops are only the test's two.
        Assert.True(await Eventually.TrueAsync(async () => (await NotifyStatsSnapshot.ReadAsync(admin)).Port(newPort).OpenedUnderPreferredKey > retired.Port(newPort).OpenedUnderPreferredKey, TimeSpan.FromSeconds(20)));
        var end = await NotifyStatsSnapshot.ReadAsync(admin);
        Assert.Equal(retired.Drop("undecryptable") + 2, end.Drop("undecryptable"));
        Assert.Equal(retired.OpenedUnderOtherKey, end.OpenedUnderOtherKey);
        await cluster.StopAsync();
    }

    /// <summary>alice's and bob's key files, published by their domains (the envelope and the canary need them).</summary>
    private static async Task PublishKeysAsync(Correspondents users)
    {
        foreach (var user in new[] { users.Alice, users.Bob })
        {
            var key = user.File($"{user.Name}.key");
            Assert.Equal(0, (await user.RunAsync("keys", "new", "--out", key)).ExitCode);
            var published = await user.RunAsync("keys", "publish", "--key", key);
            Assert.True(published.ExitCode == 0, published.Output);
        }
    }

    /// <summary>b.example's <c>Tern:WellKnown:Notify</c>, as its operator edits the settings file; waits until the node serves it.</summary>
    private static async Task PublishNotifyAsync(DemoCluster cluster, string[] ports)
    {
        var notify = ports.Select(p => $"udp://{p}").ToArray();
        cluster.B.Configure([new("Tern:WellKnown:Notify", new JsonArray(notify.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()))]);
        Assert.True(await Eventually.TrueAsync(async () => (await cluster.ServedDescriptorAsync(cluster.B)).Notify.SequenceEqual(notify), TimeSpan.FromSeconds(10)),
            $"b.example does not serve notify {string.Join(' ', notify)}");
    }

    private static async Task<JsonElement> RotateAsync(HttpClient admin)
    {
        var overlap = ((long)Overlap.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
        using var response = await admin.PostAsync(new Uri($"/admin/v1/keys/rotate?overlap={overlap}", UriKind.Relative), null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The zone with b.example's TXT record naming <paramref name="fingerprints"/> (no SRV records: the well-known variant).</summary>
    private static List<string> Zone(DemoCluster cluster, params Bytes32[] fingerprints)
    {
        var prefix = $"txt-record=_tern.{cluster.B.Domain},";
        var records = cluster.Zone(srv: false).Where(r => !r.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        records.Add($"{prefix}\"{TernDnsRecords.FormatTxtValue(fingerprints)}\"");
        return records;
    }

    /// <summary>Waits until b.example has stored <paramref name="count"/> messages for bob.</summary>
    private static async Task StoredAsync(Correspondents users, int count)
        => Assert.True(await Eventually.TrueAsync(async () => (await users.Bob.JsonAsync("stored", "--hash", users.BobHash)).GetProperty("messages").GetArrayLength() >= count,
            TimeSpan.FromSeconds(30)), $"b.example did not store {count} messages for bob");

    private static string Describe(NotifyStatsSnapshot stats)
        => string.Join("; ", stats.Ports.Select(p => $"{p.Key}: received {p.Value.Received}, accepted {p.Value.Accepted}, under the other key {p.Value.OpenedUnderOtherKey}"))
            + $"; undecryptable {stats.Drop("undecryptable")}";
}
