using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Admin.Tests;

/// <summary>A block set through the admin API drops the blocked domain's very next datagram on the real UDP port, and counts it.</summary>
public sealed class BlockTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new("admin-block");
    private readonly DomainKeySet _spammer = DomainKeySet.Generate("spam.example");
    private readonly DomainKeySet _friend = DomainKeySet.Generate("friend.example");
    private AdminNode _node = null!;

    public async Task InitializeAsync() => _node = await AdminNode.StartAsync("a.example", _directory.Path);

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose()
    {
        _spammer.Dispose();
        _friend.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_block_takes_effect_on_the_next_datagram_and_is_counted()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var counters = _node.Node.Ingest.Counters;
        var hash = RecipientHash.NewRandom();

        // Before the block: the spammer's notification is filed.
        await SendAsync(socket, _spammer, hash);
        Assert.True(await Eventually.TrueAsync(() => counters.RecordsAccepted == 1, TimeSpan.FromSeconds(10)), $"accepted {counters.RecordsAccepted}");

        using (var blocked = await _node.Http.PutAsync("/admin/v1/blocks/SPAM.example", null))
        {
            Assert.Equal(HttpStatusCode.Created, blocked.StatusCode);
        }

        // The very next datagram from the blocked domain is dropped as `blocked`; another domain's still lands.
        await SendAsync(socket, _spammer, hash);
        Assert.True(await Eventually.TrueAsync(() => counters.Drops(DropReason.Blocked) == 1, TimeSpan.FromSeconds(10)), $"blocked {counters.Drops(DropReason.Blocked)}");
        await SendAsync(socket, _friend, hash);
        Assert.True(await Eventually.TrueAsync(() => counters.RecordsAccepted == 2, TimeSpan.FromSeconds(10)));
        Assert.Equal(2, _node.Node.Pending.Count);

        using var list = JsonDocument.Parse(await _node.Http.GetStringAsync("/admin/v1/blocks"));
        var entry = Assert.Single(list.RootElement.EnumerateArray());
        Assert.Equal(("spam.example", 1L), (entry.GetProperty("domain").GetString(), entry.GetProperty("droppedRecords").GetInt64()));
        using var stats = JsonDocument.Parse(await _node.Http.GetStringAsync("/admin/v1/stats"));
        Assert.Equal(1, stats.RootElement.GetProperty("notify").GetProperty("drops").GetProperty("blocked").GetInt64());
        using var economics = JsonDocument.Parse(await _node.Http.GetStringAsync("/admin/v1/economics"));
        var spam = economics.RootElement.GetProperty("domains").EnumerateArray().Single(d => d.GetProperty("domain").GetString() == "spam.example");
        Assert.Equal((1L, 1L), (spam.GetProperty("pendingReferences").GetInt64(), spam.GetProperty("blockedRecords").GetInt64()));

        // Kept for the next start; lifted, the domain's next datagram lands again.
        Assert.Equal("spam.example", (await File.ReadAllTextAsync(Node.TernDataDirectory.BlocksFile(_directory.Path))).Trim());
        using (var lifted = await _node.Http.DeleteAsync("/admin/v1/blocks/spam.example"))
        {
            Assert.Equal(HttpStatusCode.OK, lifted.StatusCode);
        }

        await SendAsync(socket, _spammer, hash);
        Assert.True(await Eventually.TrueAsync(() => counters.RecordsAccepted == 3, TimeSpan.FromSeconds(10)));
        Assert.Equal(1, counters.Drops(DropReason.Blocked));
        Assert.Equal("", (await File.ReadAllTextAsync(Node.TernDataDirectory.BlocksFile(_directory.Path))).Trim());
    }

    private async Task SendAsync(Socket socket, DomainKeySet sender, RecipientHash hash)
    {
        var key = new byte[NotificationKey.Size];
        Assert.True(NotificationKey.TryDeriveSending(sender, _node.Node.Keys.AgreementPublicKey, key));
        var capability = FetchCapability.NewRandom();
        var record = new NotificationRecord(capability, hash, DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds(), 1024, capability.Value, 1, NotificationFlags.None,
            Encoding.ASCII.GetBytes(sender.Domain), [], FetchHintList.Empty);
        var datagram = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(datagram, DatagramType.Notification, sender.AgreementPublicKey, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.True(writer.TryAdd(record));
        var length = writer.Seal(key);
        await socket.SendToAsync(datagram.AsMemory(0, length), _node.Node.NotifyEndPoint);
    }
}
