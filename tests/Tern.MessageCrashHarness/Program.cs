using System.Globalization;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Pull;
using Tern.MessageCrashHarness;

// Crash harness for the recipient's message store and its pulled events: workers write partial files and commit them,
// printing "STORED <seed>" once a commit returned (the point where a pull counts the message stored and the sender's
// delivery is over), and "DELETED <seed>" once a delete returned. The test kills it with SIGKILL at several moments,
// reopens the store and the event log as the node does, and checks every stored message, byte for byte, with exactly
// one pulled event. Usage: Tern.MessageCrashHarness <data directory> <first seed> <workers>
if (args.Length != 3)
{
    await Console.Error.WriteLineAsync("usage: Tern.MessageCrashHarness <data directory> <first seed> <workers>");
    return 2;
}

var directory = args[0];
var next = int.Parse(args[1], CultureInfo.InvariantCulture);
var workers = int.Parse(args[2], CultureInfo.InvariantCulture);
var output = Console.Out;
var outputGate = new object();
var (store, events) = MessageCrashWorkload.Open(directory);
var tasks = new Task[workers];
for (var w = 0; w < workers; w++)
{
    tasks[w] = Task.Run(async () =>
    {
        while (true)
        {
            var seed = Interlocked.Increment(ref next);
            var content = MessageCrashWorkload.Content(seed);
            var hash = MessageCrashWorkload.Hash(seed);
            var capability = MessageCrashWorkload.Capability(seed);
            var payloadHash = PayloadTree.Hash(content);
            await using (var file = store.OpenPartial(hash, capability, new PayloadVerifier(content.Length, payloadHash)))
            {
                await file.WriteAsync(content);
                if (!file.TryComplete())
                {
                    throw new InvalidOperationException($"seed {seed} did not verify");
                }
            }

            await store.CommitAsync(hash, capability, "a.example", content.Length, payloadHash, "");
            Print($"STORED {seed}");
            if (MessageCrashWorkload.Deletes(seed))
            {
                store.Delete(hash, capability);
                Print($"DELETED {seed}");
            }
        }
    });
}

await Task.WhenAll(tasks);
return 0;

void Print(string line)
{
    lock (outputGate)
    {
        output.WriteLine(line);
        output.Flush();
    }
}
