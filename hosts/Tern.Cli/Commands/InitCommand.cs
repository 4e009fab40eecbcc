using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Cli.Commands;

internal static class InitCommand
{
    public static int Run(CliArguments options)
    {
        var domain = options.Require("domain");
        var directory = options.Require("data-dir");
        var host = options.Get("host") ?? $"node.{DomainName.Normalize(domain)}";
        options.RejectUnknown();

        using var keys = DomainKeySet.Generate(domain);
        keys.Save(directory);
        Console.WriteLine($"created {Path.Combine(directory, DomainKeySet.SecretFileName)} (keep it secret) and {DomainKeySet.PublicFileName}");
        Console.Write(keys.PublicText());
        Console.WriteLine();
        Console.WriteLine("; DNS records to publish (docs/PROTOCOL.md §6.3):");
        Console.WriteLine(TernDnsRecords.FormatZone(keys.Domain, [Bytes32.Parse(keys.Fingerprint)],
            new SrvRecord(10, 10, 7400, host), new SrvRecord(10, 10, 7401, host)));
        return 0;
    }
}
