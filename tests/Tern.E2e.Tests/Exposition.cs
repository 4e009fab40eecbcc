using System.Globalization;
using System.Net.Http.Headers;
using Tern.Cli.Demo;
using Tern.Node;

namespace Tern.E2e.Tests;

/// <summary>
/// One scrape of a node's <c>/metrics</c>, parsed from the text exposition format (version 0.0.4) written from its
/// specification: <c>name{label="value",…} number</c> per sample, <c># HELP</c> and <c># TYPE</c> lines.
/// </summary>
internal sealed class Exposition
{
    private readonly Dictionary<string, double> _samples;
    private readonly Dictionary<string, string> _types;

    private Exposition(Dictionary<string, double> samples, Dictionary<string, string> types)
    {
        _samples = samples;
        _types = types;
    }

    /// <summary>Scrapes <paramref name="node"/>'s admin listener with the token of its data directory.</summary>
    public static async Task<Exposition> ScrapeAsync(DemoNode node)
    {
        using var http = Client(node, TokenOf(node));
        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics on {node.Domain}: {(int)response.StatusCode} {text}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return Parse(text);
    }

    public static HttpClient Client(DemoNode node, string? token)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://{node.Ports!.Admin}"), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    public static string TokenOf(DemoNode node) => File.ReadAllText(TernDataDirectory.AdminTokenFile(node.DataDirectory)).Trim();

    public static Exposition Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
            }

            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var split = line.LastIndexOf(' ');
            samples[line[..split]] = double.Parse(line[(split + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return new Exposition(samples, types);
    }

    /// <summary>The sample <paramref name="series"/> (<c>name</c> or <c>name{a="x",b="y"}</c>, labels in the order served); fails when absent.</summary>
    public double this[string series] => _samples.TryGetValue(series, out var value) ? value : throw new Xunit.Sdk.XunitException($"no sample {series} in the scrape");

    /// <summary>The declared type of metric <paramref name="name"/>.</summary>
    public string TypeOf(string name) => _types.TryGetValue(name, out var type) ? type : throw new Xunit.Sdk.XunitException($"no TYPE for {name}");

    /// <summary>The sum of every series of metric <paramref name="name"/>, whatever its labels.</summary>
    public double Sum(string name)
    {
        double sum = 0;
        foreach (var (series, value) in _samples)
        {
            if (series == name || series.StartsWith(name + "{", StringComparison.Ordinal))
            {
                sum += value;
            }
        }

        return sum;
    }

    /// <summary>Every non-zero series of <paramref name="name"/> with its labels, one a line: what an assertion on its sum shows.</summary>
    public string Describe(string name) => string.Join('\n', _samples
        .Where(s => (s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal)) && s.Value != 0)
        .Select(s => $"{s.Key} {s.Value}"));
}
