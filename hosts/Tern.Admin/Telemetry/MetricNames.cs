using System.Text.Json;

namespace Tern.Admin.Telemetry;

/// <summary>Label values as Prometheus and docs/PROTOCOL.md spell them: an enum member's name in snake case.</summary>
internal static class MetricNames
{
    public static string Label<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static T[] All<T>()
        where T : struct, Enum => Enum.GetValues<T>();
}
