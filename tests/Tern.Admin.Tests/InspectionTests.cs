using System.Text.Json;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Admin.Tests;

/// <summary>Economics, transit pages and expiring-before-T over blobs actually held, and never a capability or a payload byte.</summary>
public sealed class InspectionTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new("admin-inspect");
    private readonly List<SubmissionResult> _submitted = [];
    private AdminNode _node = null!;

    public async Task InitializeAsync()
    {
        _node = await AdminNode.StartAsync("a.example", _directory.Path);
        var soon = DateTimeOffset.UtcNow.AddHours(1);
        var later = DateTimeOffset.UtcNow.AddDays(2);
        await Submit("alice", 1000, soon, ("b.example", 1), ("c.example", 1));
        await Submit("alice", 3000, later, ("b.example", 2));
        await Submit("bob", 500, soon, ("b.example", 1));
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Economics_charge_each_account_once_per_blob_and_each_domain_once_per_delivery()
    {
        using var report = JsonDocument.Parse(await _node.Http.GetStringAsync("/admin/v1/economics"));
        var accounts = report.RootElement.GetProperty("accounts").EnumerateArray().ToDictionary(a => a.GetProperty("account").GetString()!, a => a);
        Assert.Equal(4000, accounts["alice"].GetProperty("liveBytes").GetInt64());
        Assert.Equal(500, accounts["bob"].GetProperty("liveBytes").GetInt64());
        Assert.Equal(4, accounts["alice"].GetProperty("deliveries").GetProperty("outstanding").GetInt64());
        var domains = report.RootElement.GetProperty("domains").EnumerateArray().ToDictionary(d => d.GetProperty("domain").GetString()!, d => d);
        Assert.Equal(1000 + (2 * 3000) + 500, domains["b.example"].GetProperty("liveBytes").GetInt64());
        Assert.Equal(1000, domains["c.example"].GetProperty("liveBytes").GetInt64());
        Assert.Equal(4, domains["b.example"].GetProperty("deliveries").GetProperty("outstanding").GetInt64());
        await Task.Delay(50);
        using var again = JsonDocument.Parse(await _node.Http.GetStringAsync("/admin/v1/economics"));
        var bLater = again.RootElement.GetProperty("domains").EnumerateArray().Single(d => d.GetProperty("domain").GetString() == "b.example");
        Assert.True(bLater.GetProperty("byteSeconds").GetDouble() > domains["b.example"].GetProperty("byteSeconds").GetDouble(), "byte-seconds grow while bytes are held");
    }

    [Fact]
    public async Task Transit_pages_cover_every_blob_once_in_order_and_show_no_capability()
    {
        var seen = new List<string>();
        var texts = new List<string>();
        string? after = null;
        do
        {
            var text = await _node.Http.GetStringAsync("/admin/v1/transit?limit=2" + (after is null ? "" : "&after=" + after));
            texts.Add(text);
            using var page = JsonDocument.Parse(text);
            seen.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("messageId").GetString()!));
            after = page.RootElement.GetProperty("next").GetString();
        }
        while (after is not null);

        Assert.Equal(_submitted.Select(s => s.MessageId.ToString()).Order(StringComparer.Ordinal), seen);
        foreach (var capability in _submitted.SelectMany(s => s.Capabilities))
        {
            Assert.DoesNotContain(texts, t => t.Contains(capability.ToString(), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Expiring_before_counts_outstanding_deliveries_and_bytes_per_destination()
    {
        var tomorrow = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        using var report = JsonDocument.Parse(await _node.Http.GetStringAsync($"/admin/v1/expiring?before={tomorrow}"));
        var destinations = report.RootElement.GetProperty("destinations").EnumerateArray()
            .ToDictionary(d => d.GetProperty("domain").GetString()!, d => (d.GetProperty("deliveries").GetInt64(), d.GetProperty("bytes").GetInt64()));
        Assert.Equal((2L, 1500L), destinations["b.example"]);
        Assert.Equal((1L, 1000L), destinations["c.example"]);
        Assert.Equal(3, report.RootElement.GetProperty("deliveries").GetInt64());

        // A fetched delivery no longer expires unfetched.
        Assert.True(await _node.Node.Store.MarkFetchedAsync(_submitted[2].Capabilities[0]));
        using var after = JsonDocument.Parse(await _node.Http.GetStringAsync($"/admin/v1/expiring?before={tomorrow}"));
        Assert.Equal(2, after.RootElement.GetProperty("deliveries").GetInt64());
        using var nothing = JsonDocument.Parse(await _node.Http.GetStringAsync("/admin/v1/expiring?before=2000-01-01T00:00:00Z"));
        Assert.Equal(0, nothing.RootElement.GetProperty("destinations").GetArrayLength());
    }

    private async Task Submit(string account, int size, DateTimeOffset expiry, params (string Domain, int Count)[] recipients)
    {
        var list = recipients.SelectMany(r => Enumerable.Range(0, r.Count).Select(_ => new TransitRecipient(r.Domain, RecipientHash.NewRandom()))).ToList();
        using var content = new MemoryStream(new byte[size]);
        _submitted.Add(await _node.Node.Store.SubmitAsync(new SubmissionRequest { Account = account, Recipients = list, TransitExpiry = expiry }, content));
    }
}
