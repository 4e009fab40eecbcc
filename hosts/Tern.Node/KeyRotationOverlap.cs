using System.Globalization;
using System.Text.Json;

namespace Tern.Node;

/// <summary>
/// The overlap window of a key rotation as an operator writes it (docs/PROTOCOL.md §16.6): <c>7d</c>, <c>36h</c>,
/// <c>90m</c>, <c>120s</c>, or a <see cref="TimeSpan"/> (<c>1.12:00:00</c>), and the rule it must keep.
/// </summary>
public static class KeyRotationOverlap
{
    /// <summary>Parses <paramref name="text"/>; false for anything else, a zero or negative window, or one over 30 days.</summary>
    public static bool TryParse(string? text, out TimeSpan overlap)
    {
        overlap = default;
        if (string.IsNullOrEmpty(text) || text.Length > 32)
        {
            return false;
        }

        var unit = text[^1] switch
        {
            'd' => TimeSpan.FromDays(1),
            'h' => TimeSpan.FromHours(1),
            'm' => TimeSpan.FromMinutes(1),
            's' => TimeSpan.FromSeconds(1),
            _ => TimeSpan.Zero,
        };
        if (unit != TimeSpan.Zero)
        {
            if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > 30L * 86_400)
            {
                return false;
            }

            overlap = unit * count;
        }
        else if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out overlap))
        {
            return false;
        }

        return overlap >= TimeSpan.FromSeconds(1) && overlap <= TimeSpan.FromDays(30);
    }

    /// <summary>
    /// Why <paramref name="overlap"/> cannot be used with a descriptor valid for <paramref name="validity"/>, or null: the
    /// window must outlast every peer's cached copy of the descriptor without the new keys (§16.6).
    /// </summary>
    public static string? Problem(TimeSpan overlap, TimeSpan validity)
        => overlap <= validity
            ? $"the overlap ({overlap}) must be longer than the descriptor's validity (Tern:WellKnown:Validity, {validity}), so that every peer's cached descriptor ends inside the window"
            : null;

    /// <summary>
    /// <c>Tern:WellKnown:Validity</c> of the settings file <paramref name="settingsFile"/> when it sets one, else the default
    /// (<see cref="WellKnownOptions.Validity"/>): what a command run beside a node checks an overlap against.
    /// </summary>
    public static TimeSpan DescriptorValidity(string settingsFile)
    {
        var validity = new WellKnownOptions().Validity;
        if (!File.Exists(settingsFile))
        {
            return validity;
        }

        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(settingsFile), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return json.RootElement.TryGetProperty("Tern", out var tern) && tern.TryGetProperty("WellKnown", out var wellKnown)
                && wellKnown.TryGetProperty("Validity", out var text) && text.ValueKind == JsonValueKind.String
                && TimeSpan.TryParse(text.GetString(), CultureInfo.InvariantCulture, out var configured)
                ? configured
                : validity;
        }
        catch (JsonException)
        {
            return validity; // the node refuses such a file at start, naming it; here the default stands
        }
    }
}
