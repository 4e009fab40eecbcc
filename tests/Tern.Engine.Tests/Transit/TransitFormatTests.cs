using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Transit;

/// <summary>The transit store's format marker: written on create, kept on reopen, and an older layout refused.</summary>
public sealed class TransitFormatTests : IDisposable
{
    private readonly TransitTestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_new_store_is_marked_and_reopens()
    {
        var options = TransitTestStores.Options(_directory.Path);
        await (await TransitStore.OpenAsync(options)).DisposeAsync();
        Assert.Equal("2", File.ReadAllText(Path.Combine(_directory.Path, "transit", "format")).Trim());
        await (await TransitStore.OpenAsync(options)).DisposeAsync();
    }

    [Fact]
    public async Task A_journal_without_the_marker_is_refused_and_left_alone()
    {
        var journal = Path.Combine(_directory.Path, "transit", "journal");
        Directory.CreateDirectory(journal);
        var old = Path.Combine(journal, "journal.log.0");
        File.WriteAllBytes(old, new byte[4096]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TransitStore.OpenAsync(TransitTestStores.Options(_directory.Path)));
        Assert.Contains("older version", error.Message, StringComparison.Ordinal);
        Assert.Equal(4096, new FileInfo(old).Length);
        Assert.False(File.Exists(Path.Combine(_directory.Path, "transit", "format")));
    }
}
