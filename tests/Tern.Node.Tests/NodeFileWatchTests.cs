namespace Tern.Node.Tests;

/// <summary>
/// A node watches no directory tree. Its settings file is polled; the HTTP surfaces' own hosts read no settings files:
/// by default each would watch the whole tree of the directory the node was started from for an appsettings.json —
/// the data directory when an operator starts it there, where every log append and message file woke a watcher thread,
/// or the whole file system under systemd, which starts a service in / (30 000 inotify watches in one such start).
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class NodeFileWatchTests : IDisposable
{
    private readonly TestDomain _a = new("a.example");

    public void Dispose() => _a.Dispose();

    [Fact]
    public async Task A_node_started_in_its_data_directory_holds_no_inotify_descriptor()
    {
        // A few directories below the working directory, as a data directory has, for a recursive watch to walk.
        Directory.CreateDirectory(Path.Combine(_a.DataDirectory, "spare", "deeper"));
        using var node = NodeProcess.Start(_a.DataDirectory, _a.Switches(), workingDirectory: _a.DataDirectory);
        await node.WaitReadyAsync();

        // Late watchers start with the surfaces; the ports file is written once every listener is up.
        var inotify = Directory.EnumerateFiles($"/proc/{node.ProcessId}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .Count(target => target == "anon_inode:inotify");
        Assert.True(inotify == 0, $"{inotify} inotify descriptors in the node\n{node.Output}");
        await node.StopAsync(TimeSpan.FromSeconds(20));
    }
}
