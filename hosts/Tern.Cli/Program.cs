using Tern.Cli;
using Tern.Cli.Commands;
using Tern.Transports.Fetch;

// Before any socket exists: the runtime reads this once (see SocketCompletions).
SocketCompletions.PreferInline();

const string Usage = """
    tern — store-and-forward messaging engine

    usage: tern <command> [options]

      demo                         two domains on loopback: keys, descriptors, DNS, a notification over UDP, a retraction
      init --domain D --data-dir P create a node's data directory (keys 0600, certificate, appsettings.json) and print its DNS records
      run [--data-dir P] [--config F] [--log-format simple|json] [--Tern:Section:Key value ...]
                                   run the node until SIGTERM/SIGINT (docs/OPERATIONS.md)
      keys --data-dir P            show a domain's public keys and fingerprint
      user add --name N --address A [--data-dir P]
                                   add a user of the client API and print their token (shown once)
      user token --name N [--data-dir P]
                                   issue the user a new token (the old one stops working)
      user list [--data-dir P]     list the users
      version                      print versions (Tern, NSec and its libsodium)
    """;

if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

try
{
    // `run` takes configuration switches (--Tern:Section:Key value) as well as its own, so it parses its arguments itself.
    var options = new CliArguments(args[0] switch { "run" => [], "user" => args.Skip(2), _ => args.Skip(1) });
    return args[0] switch
    {
        "demo" => await DemoCommand.RunAsync(options),
        "init" => InitCommand.Run(options),
        "run" => await RunCommand.RunAsync(args[1..]),
        "keys" => KeysCommand.Run(options),
        "user" => UserCommand.Run(args.Length > 1 ? args[1] : "", options),
        "version" => VersionCommand.Run(options),
        _ => throw new CliException($"unknown command '{args[0]}' (try 'tern help')"),
    };
}
catch (CliException e)
{
    Console.Error.WriteLine($"tern: {e.Message}");
    return 2;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
{
    Console.Error.WriteLine($"tern: {e.Message}");
    return 1;
}
