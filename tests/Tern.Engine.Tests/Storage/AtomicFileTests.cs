using Tern.Engine.Keys;
using Tern.Engine.Storage;

namespace Tern.Engine.Tests.Storage;

/// <summary>
/// Whole-file replacement of secrets: the temporary file is a new one under a name nobody can guess, private from the
/// moment it exists, never a file or link someone left in the directory, and gone when the write fails.
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempDirectory _directory = new("atomic-file");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_link_planted_at_the_old_temporary_name_is_not_followed()
    {
        var path = Path.Combine(_directory.Path, DomainKeySet.SecretFileName);
        var target = Path.Combine(_directory.Path, "elsewhere");
        File.WriteAllText(target, "not yours");
        File.CreateSymbolicLink(path + ".tmp", target);

        AtomicFile.Write(path, "secret"u8, Private);

        Assert.Equal("not yours", File.ReadAllText(target));
        Assert.Equal(target, new FileInfo(path + ".tmp").LinkTarget);
        Assert.Null(new FileInfo(path).LinkTarget);
        Assert.Equal("secret", File.ReadAllText(path));
        Assert.Equal(Private, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_secret_is_private_from_creation_under_a_new_name_each_time()
    {
        var path = Path.Combine(_directory.Path, DomainKeySet.SecretFileName);

        // An open file at the old name, readable by everyone: the write must neither reuse it nor inherit its mode.
        File.WriteAllText(path + ".tmp", "planted");
        File.SetUnixFileMode(path + ".tmp", Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var names = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            AtomicFile.Write(path, stream =>
            {
                var file = Assert.IsType<FileStream>(stream);
                names.Add(file.Name);
                Assert.Equal(Private, File.GetUnixFileMode(file.SafeFileHandle));
                stream.Write("secret"u8);
            }, Private);
        }

        Assert.Equal(2, names.Distinct().Count());
        Assert.DoesNotContain(path + ".tmp", names);
        Assert.All(names, n => Assert.Equal(_directory.Path, Path.GetDirectoryName(n)));
        Assert.Equal("planted", File.ReadAllText(path + ".tmp"));
        Assert.Equal("secret", File.ReadAllText(path));
        Assert.Equal(Private, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temporary()
    {
        var path = Path.Combine(_directory.Path, "state.bin");
        AtomicFile.Write(path, "old"u8);

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the new"u8);
            throw new InvalidOperationException("the writer failed");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_directory.Path));
    }

    [Fact]
    public void A_key_set_saved_beside_a_planted_link_keeps_its_secret_to_itself()
    {
        var secret = Path.Combine(_directory.Path, DomainKeySet.SecretFileName);
        var target = Path.Combine(_directory.Path, "exposed");
        File.WriteAllText(target, "");
        File.SetUnixFileMode(target, Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.CreateSymbolicLink(secret + ".tmp", target);
        using var keys = DomainKeySet.Generate("a.example");

        keys.Save(_directory.Path);

        Assert.Equal("", File.ReadAllText(target));
        using var loaded = DomainKeySet.Load(_directory.Path);
        Assert.Equal(keys.Fingerprint, loaded.Fingerprint);
    }
}
