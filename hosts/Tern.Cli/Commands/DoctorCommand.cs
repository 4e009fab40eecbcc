using System.CommandLine;
using Tern.Cli.Client;
using Tern.Cli.Doctor;
using Tern.Transports.Discovery;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern doctor</c>: checks a node's machine before (or while) it runs: libsodium, keys, ports, clock, disk, and the
/// DNS records as published against those the local key set expects. Exits 1 when a check fails.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(CliContext context)
    {
        var dataDirectory = CommonOptions.DataDirectory(required: false);
        var skipDns = new Option<bool>("--no-dns") { Description = "Skip the DNS checks (an air-gapped site, or before the records are published)." };
        var json = CommonOptions.Json();
        var discovery = new DiscoveryArguments();
        var command = new Command("doctor", """
            Check this machine for running the node: libsodium, the data directory's keys and free space, the ports in its
            appsettings.json (free, or bound by the running node), the clock, the DNS records as published against
            those 'tern init' printed, and the descriptor https://<domain>/.well-known/tern serves against what DNS
            publishes and the local keys. Exits 1 if a check fails.
            Example: tern doctor --data-dir /var/lib/tern
            """)
        {
            dataDirectory, skipDns, json,
        };
        discovery.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var directory = result.GetRequiredValue(dataDirectory);
            var checks = new List<DoctorCheck> { NodeChecks.Sodium(), NodeChecks.Keys(directory, out var keys), NodeChecks.Disk(directory) };
            using (keys)
            {
                checks.AddRange(NodeChecks.Ports(directory));
                checks.Add(NodeChecks.Clock(DateTimeOffset.UtcNow));
                if (!result.GetValue(skipDns) && keys is not null)
                {
                    var network = discovery.Network(result);
                    network.TrustedRoots ??= NodeChecks.DescriptorRoots(directory);
                    var dns = NetworkDiscovery.CreateDns(network);
                    var fetcher = NetworkDiscovery.CreateDescriptorFetcher(network, dns);
                    try
                    {
                        checks.AddRange(await NodeChecks.DnsAndDescriptorAsync(dns, fetcher, keys, cancellationToken).ConfigureAwait(false));
                    }
                    finally
                    {
                        (fetcher as IDisposable)?.Dispose();
                    }
                }
            }

            Print(context, checks, result.GetValue(json));
            return checks.Exists(c => c.Verdict == DoctorVerdict.Fail) ? ExitCodes.Error : ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(CliContext context, List<DoctorCheck> checks, bool json)
    {
        if (json)
        {
            CliJson.Write(context, writer =>
            {
                writer.WriteStartArray();
                foreach (var check in checks)
                {
                    writer.WriteStartObject();
                    writer.WriteString("check", check.Name);
                    writer.WriteString("verdict", check.Verdict.ToString().ToLowerInvariant());
                    writer.WriteString("detail", check.Detail);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            });
            return;
        }

        foreach (var check in checks)
        {
            context.Out.WriteLine($"{check.Verdict.ToString().ToLowerInvariant(),-4}  {check.Name,-15} {check.Detail}");
        }
    }
}
