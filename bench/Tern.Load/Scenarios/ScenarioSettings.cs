using System.Globalization;

namespace Tern.Load.Scenarios;

/// <summary>
/// A scenario's parameters from <c>key=value</c> arguments, each with the default the scenario gives; every value read
/// is remembered (<see cref="Used"/>) so the report lists what the run actually used.
/// </summary>
internal sealed class ScenarioSettings
{
    private readonly Dictionary<string, string> _given;
    private readonly SortedDictionary<string, string> _used = new(StringComparer.Ordinal);

    public ScenarioSettings(IEnumerable<string> arguments)
    {
        _given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"expected key=value, got '{argument}'");
            }

            _given[argument[..equals]] = argument[(equals + 1)..];
        }
    }

    public IReadOnlyDictionary<string, string> Used => _used;

    public int Int(string key, int fallback) => (int)Long(key, fallback);

    public long Long(string key, long fallback) => long.Parse(Text(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public double Double(string key, double fallback) => double.Parse(Text(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public TimeSpan Seconds(string key, int fallback) => TimeSpan.FromSeconds(Int(key, fallback));

    public string Text(string key, string fallback)
    {
        var value = _given.TryGetValue(key, out var given) ? given : fallback;
        _used[key] = value;
        return value;
    }

    /// <summary>Keys given that no scenario read: a misspelt setting fails the run instead of being ignored.</summary>
    public void CheckAllUsed()
    {
        var unknown = _given.Keys.Where(k => !_used.ContainsKey(k)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"unknown settings for this scenario: {string.Join(", ", unknown)}");
        }
    }
}
