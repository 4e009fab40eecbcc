using System.CommandLine;
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
    public static Command Create(CliContext context)
    {
        var domainOption = new Option<string>("--domain") { Description = "The domain this node serves (example.org).", Required = true, HelpName = "domain" };
        var dataDirectory = CommonOptions.DataDirectory(required: true);
        var hostOption = new Option<string>("--host") { Description = "The host name the fetch doors are reached at (default node.<domain>).", HelpName = "name" };
        var command = new Command("init", """
            Create a node's data directory: its key set (0600), the fetch doors' certificate, a starting appsettings.json
            and state/; print the DNS records to publish. Refuses to replace an existing key set.
            Example: tern init --domain example.org --data-dir /var/lib/tern
            """)
        {
            domainOption,
            dataDirectory,
            hostOption,
        };
        command.SetAction(result =>
        {
            string domain;
            try
            {
                domain = DomainName.Normalize(result.GetRequiredValue(domainOption));
            }
            catch (ArgumentException e)
            {
                throw new CliException($"--domain: {e.Message}");
            }

            return Run(context, domain, result.GetRequiredValue(dataDirectory), result.GetValue(hostOption) ?? $"node.{domain}");
        });
        return command;
    }

    private static int Run(CliContext context, string domain, string directory, string host)
    {

        var keyDirectory = TernDataDirectory.Keys(directory);
        if (File.Exists(Path.Combine(keyDirectory, DomainKeySet.SecretFileName)))
        {
            throw new CliException($"{keyDirectory} already holds a key set; refusing to replace it");
        }

        using var keys = DomainKeySet.Generate(domain);
        keys.Save(keyDirectory);
        Tern.Admin.AdminToken.Ensure(directory);
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

        context.Out.WriteLine($"created {Path.Combine(keyDirectory, DomainKeySet.SecretFileName)} (keep it secret), {DomainKeySet.PublicFileName}, the admin token (`tern admin token`), tls/fetch.pfx and {settings}");
        context.Out.Write(keys.PublicText());
        context.Out.WriteLine();
        context.Out.WriteLine("; DNS records to publish (docs/PROTOCOL.md §6.3):");
        context.Out.WriteLine(TernDnsRecords.FormatZone(keys.Domain, [Bytes32.Parse(keys.Fingerprint)],
            new SrvRecord(10, 10, 7400, host), new SrvRecord(10, 10, 7401, host)));
        return 0;
    }
}
