using System.Text;
using Tern.Engine.Contacts;

namespace Tern.Engine.Tests.Contacts;

/// <summary>Plan documents for the contact tests, written as an operator writes them.</summary>
internal static class ContactPlans
{
    public static readonly DateTimeOffset Start = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    /// <summary>One contact's JSON object; <paramref name="extra"/> is spliced in as further fields.</summary>
    public static string Contact(string id, string source, string destination, DateTimeOffset start, TimeSpan length, long rate = 8000,
        double lightSeconds = 0, double? everySeconds = null, long? count = null, string? extra = null)
    {
        var repeat = everySeconds is { } every ? $", \"repeat\": {{ \"everySeconds\": {every}{(count is { } c ? $", \"count\": {c}" : "")} }}" : "";
        return $$"""
            { "contact": "{{id}}", "source": "{{source}}", "destination": "{{destination}}", "start": "{{Iso(start)}}", "end": "{{Iso(start + length)}}",
              "rateBitsPerSecond": {{rate}}, "oneWayLightTimeSeconds": {{lightSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}}{{repeat}}{{extra}} }
            """;
    }

    public static string Document(params string[] contacts) => $"{{ \"contacts\": [ {string.Join(", ", contacts)} ] }}";

    public static ContactPlan Parse(string json) => ContactPlanReader.Parse(Encoding.UTF8.GetBytes(json));

    /// <summary>100 cycles of 30 s on / 30 s off from g.example to b.example, the first opening at <paramref name="start"/>.</summary>
    public static ContactPlan OnOff(DateTimeOffset start, long count = 100, double lightSeconds = 0, long rate = 8000) =>
        Parse(Document(Contact("mars-b", "g.example", "b.example", start, TimeSpan.FromSeconds(30), rate, lightSeconds, everySeconds: 60, count: count)));

    public static string Iso(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
