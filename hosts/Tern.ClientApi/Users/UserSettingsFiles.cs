using System.Text.Json;
using Tern.Engine.Storage;

namespace Tern.ClientApi.Users;

/// <summary>
/// The users' settings files: <c>users/&lt;name&gt;.json</c> beside <c>users.json</c> (the directory is named after the users
/// file without its extension). A change of one user's settings replaces that user's file alone (temporary file, fsync,
/// rename, directory fsync), so its cost follows the user's own settings, not the number of users, and writers of
/// different users do not wait for each other. User names (1–64 of a–z, 0–9, '.', '_', '-', starting with a letter or
/// digit) are safe as file names.
/// </summary>
internal sealed class UserSettingsFiles
{
    private const string Extension = ".json";
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = Private | UnixFileMode.UserExecute;

    private readonly string _directory;
    private volatile bool _created;

    public UserSettingsFiles(string usersFile)
    {
        var full = Path.GetFullPath(usersFile);
        _directory = Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full));
    }

    /// <summary>The directory of the settings files.</summary>
    public string DirectoryPath => _directory;

    /// <summary>The names of the users who have a settings file.</summary>
    public HashSet<string> Names()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (Directory.Exists(_directory))
        {
            foreach (var file in Directory.EnumerateFiles(_directory, "*" + Extension))
            {
                names.Add(Path.GetFileNameWithoutExtension(file));
            }
        }

        return names;
    }

    /// <summary>The settings of <paramref name="name"/>, or null when the user has no file.</summary>
    /// <exception cref="InvalidDataException">The file is not a settings file.</exception>
    public UserSettingsRecord? Read(string name)
    {
        var path = PathOf(name);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, UsersFileJson.Default.UserSettingsRecord)
                ?? throw new InvalidDataException($"{path} is not a user's settings file: null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a user's settings file: {e.Message}", e);
        }
    }

    /// <summary>
    /// Replaces the settings file of <paramref name="name"/>: after a crash it holds either these settings or the ones
    /// before, whole. With <paramref name="syncDirectory"/> false the caller flushes the directory (<see cref="Flush"/>).
    /// </summary>
    public void Write(string name, UserSettingsRecord settings, bool syncDirectory = true)
    {
        EnsureDirectory();
        AtomicFile.Write(PathOf(name), JsonSerializer.SerializeToUtf8Bytes(settings, UsersFileJson.Default.UserSettingsRecord), Private, syncDirectory);
    }

    /// <summary>Removes the settings file of <paramref name="name"/> if there is one (the directory is flushed by <see cref="Flush"/>).</summary>
    public void Delete(string name) => File.Delete(PathOf(name));

    /// <summary>Flushes the directory, so that the files replaced or removed in it since survive a crash.</summary>
    public void Flush()
    {
        if (Directory.Exists(_directory))
        {
            DirectorySync.Flush(_directory);
        }
    }

    private void EnsureDirectory()
    {
        if (_created || Directory.Exists(_directory))
        {
            _created = true;
            return;
        }

        Directory.CreateDirectory(_directory, PrivateDirectory);

        // The directory's own entry must survive a crash too, or the first file written in it could vanish with it.
        DirectorySync.Flush(Path.GetDirectoryName(_directory)!);
        _created = true;
    }

    private string PathOf(string name) => Path.Combine(_directory, name + Extension);
}
