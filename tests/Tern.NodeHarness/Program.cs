using Tern.NodeHarness;

// A Tern node in a child process for interop and hostile tests, driven by one-line commands on stdin:
//   PEER <domain> <agreement key> <udp port>   tell the sender where <domain> listens (127.0.0.1)
//   SUBMIT <domain> [recipient hash]           submit a 64-byte blob for one recipient and notify it
//   FETCHED <capability>                       mark a delivery fetched (as the fetch doors will)
//   RETRACT <message id>                       retract a blob and send retraction notices
//   DELIVERY <capability>                      the delivery's state and attempt count
//   CHECKPOINT                                 checkpoint the transit store's index now
//   POLL <recipient hash>                      the pending references filed under a hash, capability:attempt
//   STATS                                      receive, drop, sink and send counters
//   QUIT
// It prints "READY <domain> <agreement key> <udp port>" once listening; data lives under --data.
HarnessOptions options;
try
{
    options = HarnessOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

await using var node = await Node.StartAsync(options);
var agreementKey = new Tern.Engine.Protocol.Bytes32(node.Keys.AgreementPublicKey);
Console.WriteLine($"READY {options.Domain} {agreementKey} {node.Listener.LocalEndpoint.Port}");
Console.Out.Flush();
await new CommandLoop(node, Console.In, Console.Out).RunAsync();
return 0;
