using System.Globalization;
using Tern.CrashHarness;
using Tern.Engine.Transit;

// Crash harness for the transit store: submits blobs from concurrent workers and prints one line per acknowledgement,
// "ACK <seed> <message id> <capability>...", flushed before the next. The test kills it with SIGKILL at random moments,
// reopens the store and checks that every acknowledged blob is intact.
// Usage: Tern.CrashHarness <data directory> <first seed> <workers>
if (args.Length != 3)
{
    await Console.Error.WriteLineAsync("usage: Tern.CrashHarness <data directory> <first seed> <workers>");
    return 2;
}

var directory = args[0];
var firstSeed = int.Parse(args[1], CultureInfo.InvariantCulture);
var workers = int.Parse(args[2], CultureInfo.InvariantCulture);
var output = Console.Out;
var outputGate = new object();
var next = firstSeed;

await using var store = await TransitStore.OpenAsync(CrashWorkload.Options(directory));
var tasks = new Task[workers];
for (var w = 0; w < workers; w++)
{
    tasks[w] = Task.Run(async () =>
    {
        while (true)
        {
            var seed = Interlocked.Increment(ref next);
            var request = new SubmissionRequest
            {
                Account = "crash",
                Recipients = CrashWorkload.Recipients(seed),
                TransitExpiry = DateTimeOffset.UtcNow.AddDays(1),
                MimeHint = "application/octet-stream",
            };

            // A non-seekable stream, so that the store streams it without knowing the size.
            using var content = new NonSeekableStream(CrashWorkload.Content(seed));
            var result = await store.SubmitAsync(request, content);
            var line = $"ACK {seed} {result.MessageId} {string.Join(' ', result.Capabilities)}";
            lock (outputGate)
            {
                output.WriteLine(line);
                output.Flush();
            }
        }
    });
}

await Task.WhenAll(tasks);
return 0;
