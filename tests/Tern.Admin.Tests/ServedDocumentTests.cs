namespace Tern.Admin.Tests;

public sealed class ServedDocumentTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new("admin-doc");
    private AdminNode _node = null!;

    public async Task InitializeAsync() => _node = await AdminNode.StartAsync("a.example", _directory.Path);

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// docs/admin-api.openapi.json is what the admin surface serves. After a change to the routes, regenerate it with
    /// <c>TERN_UPDATE_OPENAPI=1 dotnet test tests/Tern.Admin.Tests --filter ServedDocument</c> (the test then writes the file).
    /// </summary>
    [Fact]
    public async Task The_committed_OpenAPI_document_is_the_one_the_admin_surface_serves()
    {
        var served = Normalize(await _node.Http.GetStringAsync("/openapi/admin.json"));
        var committed = Path.Combine(AppContext.BaseDirectory, "admin-api.openapi.json");
        if (Environment.GetEnvironmentVariable("TERN_UPDATE_OPENAPI") == "1")
        {
            var source = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../docs/admin-api.openapi.json"));
            await File.WriteAllTextAsync(source, served);
            return;
        }

        Assert.True(File.Exists(committed), "docs/admin-api.openapi.json is missing");
        Assert.Equal(Normalize(await File.ReadAllTextAsync(committed)), served);
    }

    private static string Normalize(string json) => json.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";
}
