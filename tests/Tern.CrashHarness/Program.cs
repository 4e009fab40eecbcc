using System.Globalization;
using Tern.CrashHarness;
using Tern.Engine.Transit;

// Crash harness for the transit store: submits blobs from concurrent workers and prints one line per acknowledgement,
// "ACK <seed> <message id> <capability>...", flushed before the next. The test kills it with SIGKILL at random moments,
// reopens the store and checks that every acknowledged blob is intact. The optional large workers submit blobs of
// CrashWorkload.LargeSize (many pages and segments each) under negative seeds.
// Usage: Tern.CrashHarness <data directory> <first seed> <workers> [<large workers>]
if (args.Length is not (3 or 4))
{
    await Console.Error.WriteLineAsync("usage: Tern.CrashHarness <data directory> <first seed> <workers> [<large workers>]");
    return 2;
}

var directory = args[0];
var firstSeed = int.Parse(args[1], CultureInfo.InvariantCulture);
var workers = int.Parse(args[2], CultureInfo.InvariantCulture);
var largeWorkers = args.Length == 4 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0;
var output = Console.Out;
var outputGate = new object();
var next = firstSeed;
var nextLarge = -firstSeed;

await using var store = await TransitStore.OpenAsync(CrashWorkload.Options(directory));
var tasks = new Task[workers + largeWorkers];
for (var w = 0; w < tasks.Length; w++)
{
    var large = w >= workers;
    tasks[w] = Task.Run(async () =>
    {
        while (true)
        {
            var seed = large ? Interlocked.Decrement(ref nextLarge) : Interlocked.Increment(ref next);
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
