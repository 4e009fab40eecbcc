using System.Text;
using Tern.Engine.Discovery;

namespace Tern.Discovery.Tests;

/// <summary>
/// The peers file parser and the notify-endpoint parser on mutated and random input: a file either reads or is refused
/// with <see cref="StaticPeersFileException"/>, nothing else escapes; an endpoint string never throws.
/// </summary>
public sealed class StaticPeersFileMutationTests : IDisposable
{
    private readonly TempDirectory _temp = new("peers-fuzz");
    private readonly string _directory;
    private readonly TestPeer _e = new("e.example");
    private readonly TestPeer _f = new("f.example");

    public StaticPeersFileMutationTests() => _directory = _temp.Path;

    [Fact]
    public void Mutated_files_are_read_or_refused_with_the_files_own_error()
    {
        File.WriteAllBytes(Path.Combine(_directory, "e.tern"), _e.Document());
        var valid = Encoding.UTF8.GetBytes($$"""
            {"peers": [{"domain": "e.example", "descriptor": "e.tern", "fingerprints": ["{{_e.Fingerprint}}"],
              "notify": "udp://10.0.0.1:7400", "fetch": ["tern+tcp://10.0.0.1:7401"]},
              {"domain": "f.example", "document": {{Encoding.UTF8.GetString(_f.Document())}}}]}
            """);
        Assert.Equal(2, StaticPeersFile.Parse(valid, "peers.json", _directory, DateTimeOffset.UtcNow).Count);

        var random = new Random(14);
        var read = 0;
        for (var i = 0; i < 3000; i++)
        {
            var mutated = Mutate(valid, random);
            try
            {
                StaticPeersFile.Parse(mutated, "peers.json", _directory, DateTimeOffset.UtcNow);
                read++;
            }
            catch (StaticPeersFileException e)
            {
                Assert.StartsWith("Static peers file peers.json", e.Message, StringComparison.Ordinal);
            }
        }

        Assert.True(read < 3000);
    }

    [Fact]
    public void Endpoint_strings_never_throw()
    {
        var random = new Random(15);
        string[] seeds = ["udp://127.0.0.1:7400", "udp://[::1]:7400", "udp://node.b.example:7400", "udp://:1", "udp://[]:1", "udp://a:99999"];
        foreach (var seed in seeds)
        {
            _ = DiscoveryLookup.TryParseUdp(seed, out _, out _);
        }

        for (var i = 0; i < 20_000; i++)
        {
            var seed = seeds[random.Next(seeds.Length)].ToCharArray();
            seed[random.Next(seed.Length)] = (char)random.Next(0, 0x3000);
            var text = new string(seed);
            if (DiscoveryLookup.TryParseUdp(text, out var host, out var port))
            {
                Assert.InRange(port, 1, 65535);
                Assert.False(string.IsNullOrEmpty(host));
            }
        }
    }

    private static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = new List<byte>(input);
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveAt(at);
                    break;
                case 2:
                    bytes.Insert(at, (byte)"{}[]\",:0-tn\\"[random.Next(12)]);
                    break;
                default:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 40), bytes.Count - at));
                    break;
            }
        }

        return [.. bytes];
    }

    public void Dispose()
    {
        _e.Dispose();
        _f.Dispose();
        _temp.Dispose();
    }
}
