using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tern.Engine.Storage;
using Tern.Engine.Transit;

namespace Tern.ClientApi.Tests;

/// <summary>
/// A node whose data volume is down to its high-water mark (<c>Tern:Transit:MinFreeBytes</c>): the client API's submit
/// answers 507 naming the mark and stores nothing, what was acknowledged before stays and is still delivered, and the
/// notification intake goes on filing references from other domains. The free space is a probe the test sets: a real
/// full file system would need a mount, which the CI container cannot be relied on to allow.
/// </summary>
public sealed class FullDiskTests : IAsyncLifetime, IDisposable
{
    private const long Mark = 100_000_000;
    private readonly TempDirectory _directory = new("clientapi-full-disk");
    private readonly Disk _disk = new() { Available = 10 * Mark };
    private ApiNode _a = null!;
    private ApiNode _b = null!;

    public async Task InitializeAsync()
    {
        _a = await ApiNode.StartAsync("a.example", _directory.File("a"), new Dictionary<string, string?> { ["Tern:Transit:MinFreeBytes"] = "100000000" },
            services => services.PostConfigure<TransitStoreOptions>(options => options.DiskSpace = _disk));
        _b = await ApiNode.StartAsync("b.example", _directory.File("b"));
        _a.Introduce(_b);
        _b.Introduce(_a);
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task At_the_free_space_mark_submit_answers_507_naming_it_and_loses_nothing_acknowledged_while_intake_goes_on()
    {
        var (alice, _) = _a.AddUser("alice");
        var (bob, _) = _b.AddUser("bob");
        var bobHash = Api.NewHash();
        var aliceHash = Api.NewHash();
        Assert.Equal(HttpStatusCode.Created, (await bob.PutAsync($"/v1/hashes/{bobHash}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await alice.PutAsync($"/v1/hashes/{aliceHash}", null)).StatusCode);
        var first = await Api.JsonAsync(await Api.SubmitAsync(alice, Encoding.UTF8.GetBytes("before the disk filled"), [$"{bobHash}@b.example"]), HttpStatusCode.Created);

        // 500 bytes above the mark: a 1000-byte message would cross it.
        _disk.Available = Mark + 500;
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var refused = await Api.ProblemAsync(await Api.SubmitAsync(alice, new byte[1000], [$"{bobHash}@b.example"]), HttpStatusCode.InsufficientStorage);
        Assert.Contains("MinFreeBytes (100000000 bytes)", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("body", refused.GetProperty("field").GetString());
        Assert.Single((await Api.JsonAsync(await alice.GetAsync("/v1/messages"))).GetProperty("messages").EnumerateArray());

        // What was acknowledged before is still notified and listed for bob.
        var id = first.GetProperty("messageId").GetString();
        Assert.True(await Eventually.TrueAsync(async () =>
            (await Api.JsonAsync(await bob.GetAsync($"/v1/references?hash={bobHash}"))).GetProperty("references").GetArrayLength() == 1));
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/v1/messages/{id}")).StatusCode);

        // The full node still files what other domains notify it of.
        await Api.JsonAsync(await Api.SubmitAsync(bob, Encoding.UTF8.GetBytes("to alice"), [$"{aliceHash}@a.example"]), HttpStatusCode.Created);
        Assert.True(await Eventually.TrueAsync(async () =>
            (await Api.JsonAsync(await alice.GetAsync($"/v1/references?hash={aliceHash}"))).GetProperty("references").GetArrayLength() == 1));

        // Space freed: submissions are taken again.
        _disk.Available = 10 * Mark;
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await Api.JsonAsync(await Api.SubmitAsync(alice, new byte[1000], [$"{bobHash}@b.example"]), HttpStatusCode.Created);
    }

    private sealed class Disk : IDiskSpace
    {
        private long _available;

        public long Available
        {
            get => Interlocked.Read(ref _available);
            set => Interlocked.Exchange(ref _available, value);
        }

        public long AvailableBytes(string directory) => Available;
    }
}
