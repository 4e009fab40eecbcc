using System.Text.Json;
using Tern.Cli.Client;
using Tern.Engine.Protocol;

namespace Tern.Cli.Envelopes;

/// <summary>
/// The fingerprints of correspondents this client has seen (docs/PROTOCOL.md §14.5 step 4, docs/C2S.md §12), kept in
/// <c>~/.config/tern/known-keys.json</c> beside <c>client.json</c>: a change is shown before anything is sent.
/// </summary>
internal sealed class KnownKeys
{
    private readonly string _path;
    private readonly Dictionary<string, string> _fingerprints;

    private KnownKeys(string path, Dictionary<string, string> fingerprints)
    {
        _path = path;
        _fingerprints = fingerprints;
    }

    public static KnownKeys Load(CliContext context)
    {
        var path = Path.Combine(Path.GetDirectoryName(ClientConfigFile.PathOf(context))!, "known-keys.json");
        if (!File.Exists(path))
        {
            return new KnownKeys(path, new Dictionary<string, string>(StringComparer.Ordinal));
        }

        try
        {
            return new KnownKeys(path, JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllBytes(path)) ?? new Dictionary<string, string>(StringComparer.Ordinal));
        }
        catch (JsonException e)
        {
            throw new CliException($"{path}: not a known-keys file ({e.Message})", ExitCodes.Configuration);
        }
    }

    /// <summary>The fingerprint seen last for <paramref name="address"/>, or null for a first contact.</summary>
    public Bytes32? Get(string address) => _fingerprints.TryGetValue(address, out var text) && Bytes32.TryParse(text, out var fingerprint) ? fingerprint : null;

    public void Set(string address, Bytes32 fingerprint)
    {
        _fingerprints[address] = fingerprint.ToString();
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temporary = $"{_path}.{Environment.ProcessId}.tmp"; // per process: two commands may save at once
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(_fingerprints));
        File.Move(temporary, _path, overwrite: true);
    }
}
