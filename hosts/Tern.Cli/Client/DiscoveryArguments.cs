using System.CommandLine;
using System.Net;
using Tern.Engine.Discovery;
using Tern.Transports.Discovery;

namespace Tern.Cli.Client;

/// <summary>The options <c>tern peers</c> and <c>tern doctor</c> give discovery: name servers, the descriptor's port, a static peers file.</summary>
internal sealed class DiscoveryArguments
{
    private readonly Option<string[]> _nameServers = new("--name-server")
    {
        Description = "Ask this DNS server (ip:port, repeatable) instead of the system's.",
        HelpName = "ip:port",
    };

    private readonly Option<int?> _descriptorPort = new("--descriptor-port") { Description = "The well-known descriptor's HTTPS port (default 443).", HelpName = "port" };

    private readonly Option<string> _staticPeers = new("--static-peers") { Description = "A static peers file (docs/DISCOVERY.md) consulted before DNS.", HelpName = "file" };

    public DiscoveryArguments()
    {
        _nameServers.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!IPEndPoint.TryParse(token.Value, out var endpoint) || endpoint.Port == 0)
                {
                    result.AddError($"--name-server '{token.Value}': give an IP address and port, 127.0.0.1:53");
                }
            }
        });
        _descriptorPort.Validators.Add(result => ClientArguments.CheckRange(result, "--descriptor-port", 1, 65535));
        _staticPeers.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && !File.Exists(result.Tokens[0].Value))
            {
                result.AddError($"--static-peers '{result.Tokens[0].Value}': no such file");
            }
        });
    }

    public void AddTo(Command command)
    {
        command.Add(_nameServers);
        command.Add(_descriptorPort);
        command.Add(_staticPeers);
    }

    public DiscoveryNetworkOptions Network(ParseResult result)
    {
        var network = new DiscoveryNetworkOptions();
        foreach (var server in result.GetValue(_nameServers) ?? [])
        {
            network.NameServers.Add(IPEndPoint.Parse(server));
        }

        if (result.GetValue(_descriptorPort) is { } port)
        {
            network.DescriptorPort = port;
        }

        return network;
    }

    public DomainDiscovery Create(ParseResult result) =>
        NetworkDiscovery.Create(new DiscoveryOptions { StaticPeersFile = result.GetValue(_staticPeers) is { } file ? Path.GetFullPath(file) : null }, Network(result));
}
