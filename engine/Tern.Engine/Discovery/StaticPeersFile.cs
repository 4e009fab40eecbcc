using System.Net;
using System.Text;
using System.Text.Json;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Discovery;

/// <summary>
/// Reads the static peers file (docs/DISCOVERY.md, "Static peers file"): a JSON object with a <c>peers</c> array, each
/// entry a domain and its signed descriptor (a path or the document itself), optionally the fingerprints to pin and the
/// addresses to use where the descriptor's are not reachable. Strict: an unknown member, a wrong type, a descriptor that
/// does not verify or a duplicate domain refuses the whole file with a message naming the entry.
/// </summary>
internal static class StaticPeersFile
{
    /// <summary>Largest file read.</summary>
    public const int MaxFileSize = 4 * 1024 * 1024;

    /// <summary>Most peers in one file.</summary>
    public const int MaxPeers = 10_000;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 8, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false };

    /// <summary>Reads and verifies <paramref name="path"/>.</summary>
    /// <exception cref="StaticPeersFileException">The file cannot be read or breaks a rule; nothing of it is used.</exception>
    public static Dictionary<string, StaticPeerEntry> Load(string path, DateTimeOffset now)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new StaticPeersFileException($"Static peers file {path}: not found.");
            }

            if (info.Length > MaxFileSize)
            {
                throw new StaticPeersFileException($"Static peers file {path}: {info.Length} bytes; at most {MaxFileSize}.");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StaticPeersFileException($"Static peers file {path}: cannot be read: {e.Message}", e);
        }

        return Parse(bytes, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", now);
    }

    /// <summary>Parses the file's bytes; descriptor paths are relative to <paramref name="directory"/>.</summary>
    public static Dictionary<string, StaticPeerEntry> Parse(ReadOnlySpan<byte> bytes, string file, string directory, DateTimeOffset now)
    {
        // JsonDocument checks UTF-8 only as strings are read, and then throws what no caller expects: check it all first.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new StaticPeersFileException($"Static peers file {file}: not UTF-8 text.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.ToArray(), Options);
        }
        catch (JsonException e)
        {
            throw new StaticPeersFileException($"Static peers file {file}: not JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(file, "(file)", "must be a JSON object with a \"peers\" array");
            }

            JsonElement? peers = null;
            foreach (var member in root.EnumerateObject())
            {
                peers = member.Name switch
                {
                    "peers" => member.Value,
                    _ => throw Error(file, member.Name, "unknown member; the file has only \"peers\""),
                };
            }

            if (peers is not { ValueKind: JsonValueKind.Array } list)
            {
                throw Error(file, "peers", "missing, or not an array");
            }

            if (list.GetArrayLength() > MaxPeers)
            {
                throw Error(file, "peers", $"{list.GetArrayLength()} entries; at most {MaxPeers}");
            }

            var entries = new Dictionary<string, StaticPeerEntry>(StringComparer.Ordinal);
            var index = 0;
            foreach (var element in list.EnumerateArray())
            {
                var entry = ParseEntry(element, $"peers[{index}]", file, directory, now);
                if (!entries.TryAdd(entry.Domain, entry))
                {
                    throw Error(file, $"peers[{index}].domain", $"{entry.Domain} is listed twice");
                }

                index++;
            }

            return entries;
        }
    }

    private static StaticPeerEntry ParseEntry(JsonElement element, string where, string file, string directory, DateTimeOffset now)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(file, where, "must be an object");
        }

        string? domain = null;
        string? descriptorPath = null;
        byte[]? inline = null;
        List<Bytes32> fingerprints = [];
        IPEndPoint? notify = null;
        List<string> fetch = [];
        foreach (var member in element.EnumerateObject())
        {
            var at = $"{where}.{member.Name}";
            switch (member.Name)
            {
                case "domain":
                    domain = Text(member.Value, at, file);
                    if (!DomainName.IsValid(Encoding.ASCII.GetBytes(domain)) || domain.Any(c => c > 127))
                    {
                        throw Error(file, at, $"'{Excerpt(domain)}' is not a lower-case domain name (docs/PROTOCOL.md §2.4)");
                    }

                    break;
                case "descriptor":
                    descriptorPath = Text(member.Value, at, file);
                    break;
                case "document":
                    if (member.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw Error(file, at, "must be the signed descriptor document, a JSON object");
                    }

                    inline = Encoding.UTF8.GetBytes(member.Value.GetRawText());
                    break;
                case "fingerprints":
                    foreach (var value in Array(member.Value, at, file, DescriptorLimits.MaxListEntries))
                    {
                        if (!CanonicalBase64Url.TryDecode(Text(value, at, file), out var fingerprint))
                        {
                            throw Error(file, at, "an entry is not a fingerprint (43 characters of canonical base64url, docs/PROTOCOL.md §2.3)");
                        }

                        fingerprints.Add(fingerprint);
                    }

                    break;
                case "notify":
                    var endpoint = Text(member.Value, at, file);
                    if (!DiscoveryLookup.TryParseUdp(endpoint, out var host, out var port) || !IPAddress.TryParse(host, out var address))
                    {
                        throw Error(file, at, $"'{Excerpt(endpoint)}' is not udp://<IP address>:<port> (a file for sites without DNS takes addresses)");
                    }

                    notify = new IPEndPoint(address, port);
                    break;
                case "fetch":
                    foreach (var value in Array(member.Value, at, file, DescriptorLimits.MaxListEntries))
                    {
                        var door = Text(value, at, file);
                        if (door.Length > DescriptorLimits.MaxEntryLength || !Uri.TryCreate(door, UriKind.Absolute, out _))
                        {
                            throw Error(file, at, $"'{Excerpt(door)}' is not a fetch URI (docs/PROTOCOL.md §8.5)");
                        }

                        fetch.Add(door);
                    }

                    break;
                default:
                    throw Error(file, at, "unknown member; an entry has domain, descriptor or document, fingerprints, notify, fetch");
            }
        }

        if (domain is null)
        {
            throw Error(file, where, "has no \"domain\"");
        }

        if ((descriptorPath is null) == (inline is null))
        {
            throw Error(file, where, "needs exactly one of \"descriptor\" (a path to the signed document) and \"document\" (the document itself)");
        }

        var bytes = inline ?? ReadDescriptor(descriptorPath!, where, file, directory);
        var verification = SignedDescriptor.Verify(bytes, domain, now, fingerprints.Count > 0 ? fingerprints : null);
        if (!verification.IsValid)
        {
            throw Error(file, where, $"the descriptor of {domain} is refused: {verification}");
        }

        var descriptor = verification.Descriptor;
        notify ??= FirstLiteral(descriptor.Notify);
        foreach (var door in descriptor.Fetch)
        {
            if (!fetch.Contains(door))
            {
                fetch.Add(door);
            }
        }

        return new StaticPeerEntry { Domain = domain, Descriptor = descriptor, Fingerprints = fingerprints, NotifyEndpoint = notify, FetchDoors = fetch };
    }

    private static byte[] ReadDescriptor(string path, string where, string file, string directory)
    {
        var full = Path.GetFullPath(Path.Combine(directory, path));
        try
        {
            var info = new FileInfo(full);
            if (!info.Exists)
            {
                throw Error(file, where + ".descriptor", $"{full} not found");
            }

            if (info.Length > DescriptorLimits.MaxDocumentSize)
            {
                throw Error(file, where + ".descriptor", $"{full} is {info.Length} bytes; a signed descriptor is at most {DescriptorLimits.MaxDocumentSize}");
            }

            return File.ReadAllBytes(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StaticPeersFileException($"Static peers file {file}: {where}.descriptor: {full} cannot be read: {e.Message}", e);
        }
    }

    private static IPEndPoint? FirstLiteral(IReadOnlyList<string> notify)
    {
        foreach (var entry in notify)
        {
            if (DiscoveryLookup.TryParseUdp(entry, out var host, out var port) && IPAddress.TryParse(host, out var address))
            {
                return new IPEndPoint(address, port);
            }
        }

        return null;
    }

    private static string Text(JsonElement value, string at, string file)
        => value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Error(file, at, $"must be a string, not {value.ValueKind}");

    private static JsonElement.ArrayEnumerator Array(JsonElement value, string at, string file, int max)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error(file, at, $"must be an array of strings, not {value.ValueKind}");
        }

        if (value.GetArrayLength() > max)
        {
            throw Error(file, at, $"{value.GetArrayLength()} entries; at most {max}");
        }

        return value.EnumerateArray();
    }

    private static string Excerpt(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private static StaticPeersFileException Error(string file, string at, string rule) => new($"Static peers file {file}: {at}: {rule}.");
}
