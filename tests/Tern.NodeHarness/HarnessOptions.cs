using System.Globalization;

namespace Tern.NodeHarness;

/// <summary>Command-line options of the node harness: <c>--name value</c> pairs.</summary>
internal sealed class HarnessOptions
{
    public required string Domain { get; init; }

    public required string DataDirectory { get; init; }

    /// <summary>First retransmission interval, ms (the protocol's 2 000 unless a test shortens it).</summary>
    public int InitialRetransmitMs { get; init; } = 2_000;

    /// <summary>Longest retransmission interval, ms.</summary>
    public int MaxRetransmitMs { get; init; } = 3_600_000;

    /// <summary>Scheduler tick, ms.</summary>
    public int TickMs { get; init; } = 50;

    /// <summary>Transit store checkpoint interval, ms (how much retransmission progress a SIGKILL can lose).</summary>
    public int CheckpointMs { get; init; } = 60_000;

    /// <summary>How long records for an unknown peer wait before the resolver is asked again, ms.</summary>
    public int PeerRetryMs { get; init; } = 30_000;

    public static HarnessOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            }

            values[args[i][2..]] = args[i + 1];
        }

        if (args.Length % 2 != 0 || !values.TryGetValue("domain", out var domain) || !values.TryGetValue("data", out var data))
        {
            throw new ArgumentException("usage: Tern.NodeHarness --domain <domain> --data <directory> [--initial-ms n] [--max-ms n] [--tick-ms n] [--checkpoint-ms n] [--peer-retry-ms n]");
        }

        return new HarnessOptions
        {
            Domain = domain,
            DataDirectory = data,
            InitialRetransmitMs = Int(values, "initial-ms", 2_000),
            MaxRetransmitMs = Int(values, "max-ms", 3_600_000),
            TickMs = Int(values, "tick-ms", 50),
            CheckpointMs = Int(values, "checkpoint-ms", 60_000),
            PeerRetryMs = Int(values, "peer-retry-ms", 30_000),
        };
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback)
        => values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
