using System.Globalization;
using System.Text.Json;

namespace Tern.Engine.Contacts;

/// <summary>
/// Reads and validates a contact plan (docs/OPERATIONS.md, "Contact plans"). Strict: every field of a contact is checked,
/// an unknown or repeated field is refused (units are in the field names, so a rate in bytes per second or a light time
/// without its unit is an unknown field, never a silent factor of 8 or 1000), and two windows of one source–destination
/// pair may not overlap. Every refusal is a <see cref="ContactPlanException"/> naming contact, field, value and rule.
/// </summary>
public static partial class ContactPlanReader
{
    /// <summary>Largest plan document read, in bytes.</summary>
    public const int MaxDocumentBytes = 1 << 20;

    /// <summary>Most contacts in one plan.</summary>
    public const int MaxContacts = 10_000;

    /// <summary>Most windows of one repeated contact.</summary>
    public const long MaxCycles = 1_000_000_000;

    /// <summary>Highest rate, in bits per second (1 Tbit/s).</summary>
    public const long MaxRateBitsPerSecond = 1_000_000_000_000;

    /// <summary>Longest one-way light time, in seconds (two days: beyond Voyager 1).</summary>
    public const double MaxOneWayLightTimeSeconds = 172_800;

    private const string Fields = "contact, source, destination, start, end, rateBitsPerSecond, oneWayLightTimeSeconds, repeat";
    private const string UnitsRule = "units are part of the field names: rates in bits per second (rateBitsPerSecond), light time in seconds (oneWayLightTimeSeconds), repeat period in seconds (repeat.everySeconds)";
    private static readonly string[] InstantFormats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"];
    private static readonly long LatestMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>Reads the plan in the file at <paramref name="path"/>; a missing file is <see cref="ContactPlan.Empty"/>.</summary>
    /// <exception cref="ContactPlanException">The file is too large or the plan is invalid.</exception>
    public static ContactPlan ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            return ContactPlan.Empty;
        }

        var length = new FileInfo(path).Length;
        if (length > MaxDocumentBytes)
        {
            throw new ContactPlanException("plan", "(document)", $"{length} bytes", $"a plan is at most {MaxDocumentBytes} bytes");
        }

        return Parse(File.ReadAllBytes(path));
    }

    /// <summary>Parses and validates a plan document (UTF-8 JSON).</summary>
    /// <exception cref="ContactPlanException">The document is not a valid plan; nothing of it is kept.</exception>
    public static ContactPlan Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > MaxDocumentBytes)
        {
            throw new ContactPlanException("plan", "(document)", $"{utf8Json.Length} bytes", $"a plan is at most {MaxDocumentBytes} bytes");
        }

        // Strings are read as .NET strings, which refuse broken UTF-8 with an exception of their own: checked once, here.
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json))
        {
            throw new ContactPlanException("plan", "(document)", null, "not UTF-8");
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 8 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new ContactPlanException("plan", "(document)", null, $"not JSON: {e.Message}");
        }

        using (document)
        {
            return Read(document.RootElement);
        }
    }

    private static ContactPlan Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ContactPlanException("plan", "(document)", root.ValueKind.ToString(), "must be a JSON object with a contacts array");
        }

        JsonElement? contacts = null;
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name != "contacts")
            {
                throw new ContactPlanException("plan", property.Name, Shown(property.Value), "not a field of a plan (its one field is contacts)");
            }

            if (contacts is not null)
            {
                throw new ContactPlanException("plan", "contacts", null, "given twice");
            }

            contacts = property.Value;
        }

        if (contacts is not { ValueKind: JsonValueKind.Array } list)
        {
            throw new ContactPlanException("plan", "contacts", contacts is { } c ? Shown(c) : null, "must be an array of contacts");
        }

        var count = list.GetArrayLength();
        if (count > MaxContacts)
        {
            throw new ContactPlanException("plan", "contacts", $"{count} contacts", $"a plan has at most {MaxContacts}");
        }

        var read = new List<ContactDefinition>(count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var element in list.EnumerateArray())
        {
            var contact = ReadContact(element, index++);
            if (!ids.Add(contact.Id))
            {
                throw new ContactPlanException(Name(index - 1, contact.Id), "contact", contact.Id, "another contact of the plan has this id");
            }

            read.Add(contact);
        }

        ContactOverlap.Check(read);
        return new ContactPlan(read);
    }

    private static string Name(int index, string? id) => id is null ? $"contacts[{index}]" : $"contacts[{index}] \"{id}\"";

    /// <summary>A value as written, cut short: enough to find it in the file.</summary>
    private static string Shown(JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText();
        return text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 61), "...");
    }

    private static long ParseInstantMs(string where, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParseExact(value.GetString(), InstantFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            throw new ContactPlanException(where, field, Shown(value), "must be an RFC 3339 instant with its offset, e.g. 2026-12-07T00:00:00Z");
        }

        return instant.ToUnixTimeMilliseconds();
    }
}
