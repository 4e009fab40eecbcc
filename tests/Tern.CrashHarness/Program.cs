using System.Globalization;
using Tern.CrashHarness;
using Tern.Engine.Transit;

// Crash harness for the transit store: submits blobs from concurrent workers and prints one line per acknowledgement,
// "ACK <seed> <message id> <capability>...", flushed before the next. The test kills it with SIGKILL at random moments,
// reopens the store and checks that every acknowledged blob is intact. The optional large workers submit blobs of
// CrashWorkload.LargeSize (many pages and segments each) under negative seeds; the optional batch workers submit
// CrashWorkload.BatchSize blobs at a time through TransitStore.SubmitManyAsync. With "transfer" last, each acknowledged
// single blob's deliveries to its first recipient's domain are then recorded as transferred to a gateway
// (docs/PROTOCOL.md §10.5), and "XFER <seed> <message id> <domain>" is printed once that state change is durable.
// Usage: Tern.CrashHarness <data directory> <first seed> <workers> [<large workers> [<batch workers>]] [transfer]
var transfer = args.Length > 3 && args[^1] == "transfer";
if (transfer)
{
    args = args[..^1];
}

if (args.Length is not (3 or 4 or 5))
{
    await Console.Error.WriteLineAsync("usage: Tern.CrashHarness <data directory> <first seed> <workers> [<large workers> [<batch workers>]] [transfer]");
    return 2;
}

var directory = args[0];
var firstSeed = int.Parse(args[1], CultureInfo.InvariantCulture);
var workers = int.Parse(args[2], CultureInfo.InvariantCulture);
var largeWorkers = args.Length >= 4 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0;
var batchWorkers = args.Length == 5 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0;
var output = Console.Out;
var outputGate = new object();
var next = firstSeed;
var nextLarge = -firstSeed;

var writes = Environment.GetEnvironmentVariable(CrashWorkload.LogWritesVariable) is { Length: > 0 } name ? Enum.Parse<TransitLogWrites>(name) : (TransitLogWrites?)null;
await using var store = await TransitStore.OpenAsync(CrashWorkload.Options(directory, writes));
var tasks = new Task[workers + largeWorkers + batchWorkers];
for (var w = workers + largeWorkers; w < tasks.Length; w++)
{
    tasks[w] = Task.Run(async () =>
    {
        while (true)
        {
            var first = Interlocked.Add(ref next, CrashWorkload.BatchSize) - CrashWorkload.BatchSize + 1;
            var items = new SubmissionItem[CrashWorkload.BatchSize];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = new SubmissionItem(Request(first + i), CrashWorkload.Content(first + i));
            }

            var outcomes = await store.SubmitManyAsync(items);
            for (var i = 0; i < outcomes.Length; i++)
            {
                var result = outcomes[i].Result ?? throw new InvalidOperationException($"seed {first + i} refused", outcomes[i].Error);
                Acknowledge(first + i, result);
            }
        }
    });
}

for (var w = 0; w < workers + largeWorkers; w++)
{
    var large = w >= workers;
    tasks[w] = Task.Run(async () =>
    {
        while (true)
        {
            var seed = large ? Interlocked.Decrement(ref nextLarge) : Interlocked.Increment(ref next);
            // A non-seekable stream, so that the store streams it without knowing the size; an odd seed declares its
            // size, so a small one rides its journal record (docs/ARCHITECTURE.md §3.2).
            var bytes = CrashWorkload.Content(seed);
            using var content = new NonSeekableStream(bytes);
            var request = Request(seed, declaredSize: seed % 2 != 0 ? bytes.Length : null);
            var result = await store.SubmitAsync(request, content);
            Acknowledge(seed, result);
            if (transfer && !large)
            {
                var domain = request.Recipients[0].Domain;
                await store.MarkTransferredAsync(result.MessageId, domain);
                lock (outputGate)
                {
                    output.WriteLine($"XFER {seed} {result.MessageId} {domain}");
                    output.Flush();
                }
            }
        }
    });
}

await Task.WhenAll(tasks);
return 0;

SubmissionRequest Request(int seed, long? declaredSize = null) => new()
{
    Account = "crash",
    Recipients = CrashWorkload.Recipients(seed),
    TransitExpiry = DateTimeOffset.UtcNow.AddDays(1),
    MimeHint = "application/octet-stream",
    DeclaredSize = declaredSize,
};

void Acknowledge(int seed, SubmissionResult result)
{
    var line = $"ACK {seed} {result.MessageId} {string.Join(' ', result.Capabilities)}";
    lock (outputGate)
    {
        output.WriteLine(line);
        output.Flush();
    }
}
