using System.CommandLine;
using Tern.Cli.Client;
using Tern.Engine.Discovery;
using Tern.Engine.Protocol;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern peers</c>: what discovery resolves for a domain (docs/PROTOCOL.md §3, §6): the DNS SRV and TXT records, the
/// signed descriptor they vouch for, or the static peers file — through the node's own discovery component.
/// </summary>
internal static class PeersCommand
{
    public static Command Create(CliContext context)
    {
        var domain = new Argument<string>("domain") { Description = "The domain to look up (example.org)." };
        domain.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && !IsDomain(result.Tokens[0].Value))
            {
                result.AddError($"domain '{result.Tokens[0].Value}': not a domain name");
            }
        });
        var json = CommonOptions.Json();
        var discovery = new DiscoveryArguments();
        var command = new Command("peers", """
            Show what discovery finds for a domain: its notification endpoint, fetch doors, keys and where they came from.
            Examples:
              tern peers example.org
              tern peers example.org --name-server 127.0.0.1:5353 --json
            """)
        {
            domain, json,
        };
        discovery.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var lookup = discovery.Create(result);
            var found = await lookup.ResolveAsync(result.GetRequiredValue(domain), cancellationToken).ConfigureAwait(false);
            if (found.Peer is not { } peer)
            {
                throw new CliException($"{result.GetRequiredValue(domain)}: {found.Failure} ({found.Detail})",
                    found.IsTransient ? ExitCodes.Error : ExitCodes.NotFound);
            }

            Print(context, peer, found.ExpiresAt, result.GetValue(json));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static bool IsDomain(string value)
    {
        try
        {
            DomainName.Normalize(value);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Print(CliContext context, DiscoveredPeer peer, DateTimeOffset expires, bool json)
    {
        if (json)
        {
            CliJson.Write(context, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("domain", peer.Domain);
                writer.WriteString("source", peer.Source.ToString());
                writer.WriteString("agreementKey", peer.AgreementKey.ToString());
                writer.WriteString("notifyEndpoint", peer.NotifyEndpoint?.ToString());
                writer.WriteString("notifyEndpointProblem", peer.NotifyEndpointProblem);
                writer.WriteStartArray("fetchDoors");
                foreach (var door in peer.FetchDoors)
                {
                    writer.WriteStringValue(door);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("fingerprints");
                foreach (var fingerprint in peer.Fingerprints)
                {
                    writer.WriteStringValue(fingerprint.ToString());
                }

                writer.WriteEndArray();
                writer.WriteString("expires", expires);
                writer.WriteEndObject();
            });
            return;
        }

        context.Out.WriteLine($"{peer.Domain} (from {peer.Source}, cached until {expires:O})");
        context.Out.WriteLine($"  notifications: {peer.NotifyEndpoint?.ToString() ?? "none: " + peer.NotifyEndpointProblem}");
        context.Out.WriteLine($"  fetch doors:   {string.Join(", ", peer.FetchDoors)}");
        context.Out.WriteLine($"  agreement key: {peer.AgreementKey}");
        context.Out.WriteLine($"  fingerprints:  {string.Join(", ", peer.Fingerprints)}");
    }
}
