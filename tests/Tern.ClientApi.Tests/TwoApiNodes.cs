namespace Tern.ClientApi.Tests;

/// <summary>
/// The set-up of the tests of the path between two nodes: a.example (<see cref="A"/>) and b.example (<see cref="B"/>) in
/// this process, each with its client API, a.example able to notify b.example and b.example to pull from it.
/// </summary>
public abstract class TwoApiNodes(string directoryName) : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new(directoryName);

    protected ApiNode A { get; private set; } = null!;

    protected ApiNode B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        A = await ApiNode.StartAsync("a.example", _directory.File("a"));
        B = await ApiNode.StartAsync("b.example", _directory.File("b"));
        A.Introduce(B);
    }

    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }

    public void Dispose()
    {
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }
}
