using System.Text.Json;
using Tern.Engine.Protocol;

namespace Tern.Engine.Contacts;

public static partial class ContactPlanReader
{
    private static ContactDefinition ReadContact(JsonElement element, int index)
    {
        var where = Name(index, null);
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ContactPlanException(where, "(contact)", Shown(element), "each contact must be a JSON object");
        }

        // The id first, so that every later error names the contact as the operator wrote it.
        string? id = null;
        if (element.TryGetProperty("contact", out var idValue))
        {
            id = idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : null;
            if (id is null || id.Length is 0 or > 64 || id.Any(c => c is < '!' or > '~'))
            {
                throw new ContactPlanException(where, "contact", Shown(idValue), "must be a string of 1 to 64 printable ASCII characters without spaces");
            }

            where = Name(index, id);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        JsonElement? source = null, destination = null, start = null, end = null, rate = null, light = null, repeat = null;
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw new ContactPlanException(where, property.Name, Shown(property.Value), "given twice");
            }

            switch (property.Name)
            {
                case "contact": break;
                case "source": source = property.Value; break;
                case "destination": destination = property.Value; break;
                case "start": start = property.Value; break;
                case "end": end = property.Value; break;
                case "rateBitsPerSecond": rate = property.Value; break;
                case "oneWayLightTimeSeconds": light = property.Value; break;
                case "repeat": repeat = property.Value; break;
                default:
                    throw new ContactPlanException(where, property.Name, Shown(property.Value), $"not a field of a contact ({Fields}); {UnitsRule}");
            }
        }

        if (id is null)
        {
            throw new ContactPlanException(where, "contact", null, "every contact needs an id");
        }

        var sourceDomain = Domain(where, "source", source);
        var destinationDomain = Domain(where, "destination", destination);
        if (sourceDomain == destinationDomain)
        {
            throw new ContactPlanException(where, "destination", destinationDomain, "must differ from source");
        }

        var startMs = ParseInstantMs(where, "start", Required(where, "start", start));
        var endMs = ParseInstantMs(where, "end", Required(where, "end", end));
        if (endMs <= startMs)
        {
            throw new ContactPlanException(where, "end", Shown(end!.Value), $"must be after start ({Shown(start!.Value)})");
        }

        var rateValue = Required(where, "rateBitsPerSecond", rate);
        if (rateValue.ValueKind != JsonValueKind.Number || !rateValue.TryGetInt64(out var bits) || bits is < 1 or > MaxRateBitsPerSecond)
        {
            throw new ContactPlanException(where, "rateBitsPerSecond", Shown(rateValue), $"must be a whole number of bits per second from 1 to {MaxRateBitsPerSecond}");
        }

        var lightValue = Required(where, "oneWayLightTimeSeconds", light);
        if (lightValue.ValueKind != JsonValueKind.Number || !lightValue.TryGetDouble(out var lightSeconds) || !(lightSeconds is >= 0 and <= MaxOneWayLightTimeSeconds))
        {
            throw new ContactPlanException(where, "oneWayLightTimeSeconds", Shown(lightValue), $"must be a number of seconds from 0 to {MaxOneWayLightTimeSeconds}");
        }

        var (periodMs, cycles) = repeat is { } r ? Repeat(where, r, endMs - startMs) : (0L, 1L);
        var contact = new ContactDefinition(id, sourceDomain, destinationDomain, startMs, endMs, bits, (long)Math.Round(lightSeconds * 1000), periodMs, cycles);
        if (cycles != ContactDefinition.Forever && (decimal)startMs + ((decimal)(cycles - 1) * periodMs) + (endMs - startMs) > LatestMs)
        {
            throw new ContactPlanException(where, "repeat.count", cycles.ToString(System.Globalization.CultureInfo.InvariantCulture), "the last window would end after the year 9999");
        }

        return contact;
    }

    private static (long PeriodMs, long Cycles) Repeat(string where, JsonElement repeat, long lengthMs)
    {
        if (repeat.ValueKind != JsonValueKind.Object)
        {
            throw new ContactPlanException(where, "repeat", Shown(repeat), "must be an object: {\"everySeconds\": 60, \"count\": 100} (count absent: forever)");
        }

        JsonElement? every = null, count = null;
        foreach (var property in repeat.EnumerateObject())
        {
            switch (property.Name)
            {
                case "everySeconds" when every is null: every = property.Value; break;
                case "count" when count is null: count = property.Value; break;
                case "everySeconds" or "count":
                    throw new ContactPlanException(where, "repeat." + property.Name, Shown(property.Value), "given twice");
                default:
                    throw new ContactPlanException(where, "repeat." + property.Name, Shown(property.Value), $"not a field of repeat (everySeconds, count); {UnitsRule}");
            }
        }

        var everyValue = Required(where, "repeat.everySeconds", every);
        if (everyValue.ValueKind != JsonValueKind.Number || !everyValue.TryGetDouble(out var seconds) || !(seconds > 0 && seconds <= 366 * 86_400.0)
            || (long)Math.Round(seconds * 1000) <= lengthMs)
        {
            throw new ContactPlanException(where, "repeat.everySeconds", Shown(everyValue),
                $"must be a number of seconds longer than the window ({lengthMs / 1000.0:0.###} s from start to end) and at most a year");
        }

        var cycles = ContactDefinition.Forever;
        if (count is { } c && (c.ValueKind != JsonValueKind.Number || !c.TryGetInt64(out cycles) || cycles is < 1 or > MaxCycles))
        {
            throw new ContactPlanException(where, "repeat.count", Shown(c), $"must be a whole number of windows from 1 to {MaxCycles}, or absent to repeat forever");
        }

        return ((long)Math.Round(seconds * 1000), cycles);
    }

    private static JsonElement Required(string where, string field, JsonElement? value) =>
        value ?? throw new ContactPlanException(where, field, null, "is required");

    private static string Domain(string where, string field, JsonElement? value)
    {
        var element = Required(where, field, value);
        if (element.ValueKind == JsonValueKind.String)
        {
            try
            {
                return DomainName.Normalize(element.GetString()!);
            }
            catch (ArgumentException)
            {
            }
        }

        throw new ContactPlanException(where, field, Shown(element), "must be a domain name: ASCII letters, digits, '-' and '.', labels of 1 to 63, at most 253 bytes");
    }
}
