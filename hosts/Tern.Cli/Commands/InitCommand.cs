using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Node;
using Tern.Transports.Fetch;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern init</c>: makes the data directory <c>tern run</c> needs — the key set, the fetch doors' certificate, a starting
/// <c>appsettings.json</c> and <c>state/</c> — and prints the DNS records to publish. Refuses to overwrite a key set.
/// </summary>
internal static class InitCommand
{
    public static int Run(CliArguments options)
    {
        var domain = DomainName.Normalize(options.Require("domain"));
        var directory = options.Require("data-dir");
        var host = options.Get("host") ?? $"node.{domain}";
        options.RejectUnknown();

        var keyDirectory = TernDataDirectory.Keys(directory);
        if (File.Exists(Path.Combine(keyDirectory, DomainKeySet.SecretFileName)))
        {
            throw new CliException($"{keyDirectory} already holds a key set; refusing to replace it");
        }

        using var keys = DomainKeySet.Generate(domain);
        keys.Save(keyDirectory);
        Directory.CreateDirectory(TernDataDirectory.State(directory));

        var tls = Path.Combine(directory, "tls");
        Directory.CreateDirectory(tls);
        using (var certificate = FetchCertificates.CreateSelfSigned(host))
        {
            var pfx = Path.Combine(tls, "fetch.pfx");
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12));
            File.SetUnixFileMode(pfx, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var settings = Path.Combine(directory, TernDataDirectory.SettingsFileName);
        if (!File.Exists(settings))
        {
            var document = new JsonObject
            {
                ["Tern"] = new JsonObject
                {
                    ["Node"] = new JsonObject
                    {
                        ["Domain"] = domain,
                        ["NotifyEndpoint"] = "0.0.0.0:7400",
                        ["FramedEndpoint"] = "0.0.0.0:7401",
                        ["FetchHints"] = new JsonArray($"tern+tcp://{host}:7401"),
                    },
                },
            };
            File.WriteAllText(settings, document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        Console.WriteLine($"created {Path.Combine(keyDirectory, DomainKeySet.SecretFileName)} (keep it secret), {DomainKeySet.PublicFileName}, tls/fetch.pfx and {settings}");
        Console.Write(keys.PublicText());
        Console.WriteLine();
        Console.WriteLine("; DNS records to publish (docs/PROTOCOL.md §6.3):");
        Console.WriteLine(TernDnsRecords.FormatZone(keys.Domain, [Bytes32.Parse(keys.Fingerprint)],
            new SrvRecord(10, 10, 7400, host), new SrvRecord(10, 10, 7401, host)));
        return 0;
    }
}
