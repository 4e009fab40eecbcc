using System.Text.Json;
using System.Text.Json.Serialization;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Storage;

namespace Tern.Node;

/// <summary>
/// Keeps the pull preferences the operator set through the admin API in <c>preferences.json</c> so they survive a
/// restart: read before the notification port opens, replaced whole and atomically (<see cref="AtomicFile"/>) after each
/// change. The users' own preferences are kept by the client API in their settings files.
/// </summary>
internal static class OperatorPreferenceFile
{
    /// <summary>Loads <paramref name="path"/> into <paramref name="table"/>'s operator layer (once per node) and saves every later change to it.</summary>
    public static void Attach(PullPreferenceTable table, string path)
    {
        if (File.Exists(path))
        {
            foreach (var (entry, index) in Read(path).Select((e, i) => (e, i)))
            {
                var key = $"{path}[{index}]";
                if (entry.RecipientHash is null || !RecipientHash.TryParse(entry.RecipientHash, out var hash))
                {
                    throw new TernConfigurationException($"{key}.recipientHash", entry.RecipientHash ?? "(missing)", "must be 43 characters of base64url (32 bytes)");
                }

                if (Parse(entry.Preference) is not { } preference)
                {
                    throw new TernConfigurationException($"{key}.preference", entry.Preference ?? "(missing)", "must be whenRequested, immediately or ignore");
                }

                try
                {
                    table.SetOperator(hash, entry.SenderDomain, preference);
                }
                catch (ArgumentException e)
                {
                    throw new TernConfigurationException($"{key}.senderDomain", entry.SenderDomain ?? "", e.Message, e);
                }
            }
        }

        table.OperatorChanged += entries => Save(path, entries);
    }

    /// <summary>A preference by its name in the admin API (case aside); numbers are not names.</summary>
    public static PullPreference? Parse(string? name)
        => name is { Length: > 0 } && !char.IsDigit(name[0]) && name[0] != '-' && Enum.TryParse<PullPreference>(name, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : null;

    /// <summary>A preference's name in the admin API and the file.</summary>
    public static string Name(PullPreference preference) => JsonNamingPolicy.CamelCase.ConvertName(preference.ToString());

    private static List<OperatorPreferenceEntry> Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), OperatorPreferenceJson.Default.ListOperatorPreferenceEntry) ?? [];
        }
        catch (JsonException e)
        {
            throw new TernConfigurationException(path, $"line {e.LineNumber + 1}", "must be a JSON array of {recipientHash, senderDomain?, preference}", e);
        }
    }

    private static void Save(string path, IReadOnlyList<OperatorPreference> entries)
    {
        var list = entries.Select(e => new OperatorPreferenceEntry(e.RecipientHash.ToString(), e.SenderDomain, Name(e.Preference))).ToList();
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(list, OperatorPreferenceJson.Default.ListOperatorPreferenceEntry));
    }
}

/// <summary>One line of <c>preferences.json</c>: no sender domain is the hash's default.</summary>
internal sealed record OperatorPreferenceEntry(string? RecipientHash, string? SenderDomain, string? Preference);

/// <summary>Source-generated serialization of <c>preferences.json</c>.</summary>
[JsonSerializable(typeof(List<OperatorPreferenceEntry>))]
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class OperatorPreferenceJson : JsonSerializerContext;
