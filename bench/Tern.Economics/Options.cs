using System.Globalization;

namespace Tern.Economics;

/// <summary>The command line: a command, then <c>--name value</c> pairs.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public string Command { get; private init; } = "";

    public int Recipients => Int("recipients", 5000);

    /// <summary>The slope's small campaign (nobody pulls): a fifth of <see cref="Recipients"/> unless <c>--small-recipients</c> says (0: none).</summary>
    public int SmallRecipients => Int("small-recipients", Recipients / 5);

    public int BlobBytes => Int("blob", 50 * 1024);

    public IReadOnlyList<double> PullRates => [.. (Get("pull") ?? "0,0.001,0.01,0.1").Split(',').Select(p => double.Parse(p, CultureInfo.InvariantCulture))];

    public static Options Parse(string[] args)
    {
        var options = new Options { Command = args.Length > 0 ? args[0] : "" };
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"expected --name value, got {args[i]}");
            }

            options._values[args[i][2..]] = args[i + 1];
        }

        return options;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public string Require(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required");

    public int Int(string name, int fallback) => Get(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
