using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tern.Engine.Storage;
using Tern.Engine.Transit;

namespace Tern.Admin.Tests;

/// <summary>Readiness follows the data volume's high-water mark (<c>Tern:Transit:MinFreeBytes</c>) both ways.</summary>
public sealed class ReadinessTests : IAsyncLifetime, IDisposable
{
    private const long Mark = 100_000_000;
    private readonly TempDirectory _directory = new("admin-ready");
    private readonly Disk _disk = new() { Available = 10 * Mark };
    private AdminNode _node = null!;

    public async Task InitializeAsync() => _node = await AdminNode.StartAsync("a.example", _directory.Path,
        new Dictionary<string, string?> { ["Tern:Transit:MinFreeBytes"] = Mark.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        services => services.PostConfigure<TransitStoreOptions>(options => options.DiskSpace = _disk));

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_disk_past_its_high_water_mark_makes_the_node_not_ready_until_space_is_freed()
    {
        using (var ready = await _node.Http.GetAsync("/admin/v1/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        _disk.Available = Mark - 1;
        using (var full = await _node.Http.GetAsync("/admin/v1/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
            using var report = JsonDocument.Parse(await full.Content.ReadAsStringAsync());
            Assert.Equal("not-ready", report.RootElement.GetProperty("status").GetString());
            Assert.Contains("MinFreeBytes", report.RootElement.GetProperty("reasons")[0].GetString(), StringComparison.Ordinal);
        }

        // Liveness is not readiness: the process still serves.
        using (var live = await _node.Http.GetAsync("/admin/v1/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        _disk.Available = 2 * Mark;
        using var again = await _node.Http.GetAsync("/admin/v1/health/ready");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
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
