using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tern.Cli.Demo;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Pull;
using Tern.Engine.Transit;

namespace Tern.Cli.Commands;

/// <summary>
/// The embedded demo: two engines on loopback, a.example and b.example, each with its UDP notification port and its
/// framed and HTTP fetch doors. Alice at a.example sends one blob to Bob (who pulls a.example immediately) and Carol
/// (who fetches when she asks) at b.example; the demo shows the notification, the immediate pull and its verification,
/// retransmission until Carol's fetch and none after, a forgery dropped in silence, a retraction before fetch, and
/// both sides' accounting. Exits 0 only if every step behaved.
/// </summary>
internal static class DemoCommand
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var keepOption = new Option<bool>("--keep") { Description = "Keep the demo's data directory under /tmp afterwards." };
        var command = new Command("demo", "Two domains on loopback: keys, descriptors, DNS, a notification over UDP, a pull, a retraction.")
        {
            keepOption,
        };
        command.SetAction((result, _) => RunAsync(result.GetValue(keepOption)));
        return command;
    }

    public static async Task<int> RunAsync(bool keep)
    {
        var root = Path.Combine(Path.GetTempPath(), "tern-demo-" + Environment.ProcessId);
        var clock = Stopwatch.StartNew();
        try
        {
            Step(clock, $"NSec {Sodium.NsecVersion}, libsodium {Sodium.Version}; data under {root}");
            // Discovery: each side verifies the other's signed descriptor against the fingerprint its DNS TXT record
            // publishes, once both nodes are up (descriptors name their bound ports).
            Lazy<StaticDescriptorResolver>? resolver = null;
            var deferred = new DeferredResolver(() => resolver!.Value);
            await using var a = await DemoDomain.StartAsync(root, "a.example", DemoTiming.Compressed, deferred);
            await using var b = await DemoDomain.StartAsync(root, "b.example", DemoTiming.Compressed, deferred);
            resolver = new Lazy<StaticDescriptorResolver>(() => new StaticDescriptorResolver(Discover(clock, a, b), Discover(clock, b, a)));
            using var http = new HttpClient();
            foreach (var node in new[] { a, b })
            {
                Step(clock, $"{node.Domain}: keys in {Path.Combine(node.Directory, "keys")} (0600), fingerprint {node.Keys.Fingerprint}");
                Step(clock, $"{node.Domain}: notifications on udp://{node.Listener.LocalEndpoint}, framed door {node.FramedUri}, HTTP door {node.HttpBase}");
            }

            var descriptors = resolver.Value;
            var bDescriptor = await descriptors.ResolveAsync("b.example", CancellationToken.None);
            a.Peers.Set(new Engine.Notify.NotificationPeer("b.example", bDescriptor!.AgreementKey, b.Listener.LocalEndpoint));

            // Bob pulls a.example at once; Carol keeps the default (the notification waits until she asks).
            var bob = RecipientHashDerivation.FirstContact(UserKey(), UserKey(), "b.example");
            var carol = RecipientHashDerivation.FirstContact(UserKey(), UserKey(), "b.example");
            b.Preferences.Set(bob, "a.example", PullPreference.Immediately);
            Step(clock, $"b.example: bob {bob} pulls a.example immediately; carol {carol} fetches when she asks");

            var pulled = new TaskCompletionSource<PullResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnFirstPull(PullResult result) => pulled.TrySetResult(result);
            b.Puller.Completed += OnFirstPull;

            var blob = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("(an end-to-end encrypted envelope and payload, opaque to both servers) ", 60)));
            var submitted = Stopwatch.StartNew();
            var submission = await a.Store.SubmitAsync(new SubmissionRequest
            {
                Account = "alice",
                Recipients = [new TransitRecipient("b.example", bob), new TransitRecipient("b.example", carol)],
                TransitExpiry = DateTimeOffset.UtcNow.AddDays(3),
                MimeHint = "message/tern",
            }, new MemoryStream(blob));
            a.Scheduler.Schedule(submission);
            var bobCapability = submission.Capabilities[0];
            var carolCapability = submission.Capabilities[1];
            Step(clock, $"a.example: alice submitted {submission.Size} bytes (durable), message {submission.MessageId}, payload hash {submission.PayloadHash}");
            Step(clock, $"a.example: one capability per delivery: bob {bobCapability}, carol {carolCapability}; notified at once");

            // Bob's reference: notified, pulled by b.example from a.example's framed door, verified, stored.
            var result = await pulled.Task.WaitAsync(StepTimeout);
            var storedMs = submitted.Elapsed.TotalMilliseconds;
            b.Puller.Completed -= OnFirstPull;
            Expect(result.Capability == bobCapability && result.Outcome == PullOutcome.Stored, $"bob's pull ended {result.Outcome}");
            await using (var stored = b.Messages.OpenRead(bob, bobCapability))
            {
                var copy = new byte[stored.Length];
                await stored.ReadExactlyAsync(copy);
                Expect(copy.AsSpan().SequenceEqual(blob), "bob's stored blob differs from alice's");
            }

            Step(clock, $"b.example: pulled bob's blob from {result.Source}, size and every chunk verified, stored in bob's message store ({storedMs:F1} ms after submit, cold)");
            await WaitFor(() => a.Store.GetDelivery(bobCapability)?.State == DeliveryState.Fetched, "bob's delivery marked fetched");
            Step(clock, "a.example: every byte of bob's delivery was served: fetched, no more notifications for it");

            // Carol's reference waits in the pending table; a.example keeps notifying on its backoff.
            var carolPending = b.Pending.Poll(carol, 0, 10).References;
            Expect(carolPending.Count == 1 && carolPending[0].Capability == carolCapability, "carol's reference is not pending at b.example");
            Step(clock, $"b.example: carol has 1 pending reference ({carolPending[0].PayloadSize} bytes from {carolPending[0].SenderDomain}, hints {string.Join(' ', carolPending[0].FetchHints)})");
            await WaitFor(() => a.Store.GetDelivery(carolCapability)?.Attempt >= 3, "carol's notification retransmitted");
            Step(clock, $"a.example: carol's delivery still pending, notification attempt {a.Store.GetDelivery(carolCapability)?.Attempt}; retransmissions so far {a.Scheduler.Counters.Retransmissions}");

            // Carol's client fetches over the HTTP door with the capability; b.example drops her reference.
            using (var response = await http.GetAsync(new Uri(a.HttpBase, $"/v1/blobs/{carolCapability}")))
            {
                var body = await response.Content.ReadAsByteArrayAsync();
                Expect(response.IsSuccessStatusCode && body.AsSpan().SequenceEqual(blob), $"carol's fetch returned {(int)response.StatusCode}");
                Step(clock, $"carol fetched {body.Length} bytes over HTTP ({response.Version}), ETag {response.Headers.ETag}");
            }

            b.Pending.Remove(carolCapability, PendingRemoval.Fetched);
            await WaitFor(() => a.Store.GetDelivery(carolCapability)?.State == DeliveryState.Fetched, "carol's delivery marked fetched");
            var sentAtFetch = a.Scheduler.Counters.DatagramsSent;
            await Task.Delay(DemoTiming.Compressed.MaxRetransmit * 2);
            var sentAfter = a.Scheduler.Counters.DatagramsSent;
            Expect(sentAfter == sentAtFetch, $"a.example sent {sentAfter - sentAtFetch} datagrams after both fetches");
            Step(clock, $"a.example: both deliveries fetched; {sentAfter} datagrams in all, none in the {DemoTiming.Compressed.MaxRetransmit.TotalMilliseconds * 2:F0} ms after the last fetch");

            await WarmPullAsync(clock, a, b, bob);
            await ForgeryAsync(clock, a, b, carol);
            await RetractionAsync(clock, a, b, carol);
            Report(clock, a, b, bob);
            Console.WriteLine("demo: ok");
            return 0;
        }
        finally
        {
            if (!keep && Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    // A second message to Bob, with every path warm: submit → notify → pull → verify → stored.
    private static async Task WarmPullAsync(Stopwatch clock, DemoDomain a, DemoDomain b, RecipientHash bob)
    {
        var pulled = new TaskCompletionSource<PullResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnCompleted(PullResult result) => pulled.TrySetResult(result);
        b.Puller.Completed += OnCompleted;
        try
        {
            var elapsed = Stopwatch.StartNew();
            var submission = await a.Store.SubmitAsync(new SubmissionRequest
            {
                Account = "alice",
                Recipients = [new TransitRecipient("b.example", bob)],
                TransitExpiry = DateTimeOffset.UtcNow.AddDays(3),
                MimeHint = "message/tern",
            }, new MemoryStream(new byte[1024]));
            var submittedMs = elapsed.Elapsed.TotalMilliseconds;
            var filed = b.Sink.Inserted;
            a.Scheduler.Schedule(submission);
            await WaitFor(() => b.Sink.Inserted > filed, "bob's second notification");
            var notifiedMs = elapsed.Elapsed.TotalMilliseconds;
            var result = await pulled.Task.WaitAsync(StepTimeout);
            Expect(result.Capability == submission.Capabilities[0] && result.Outcome == PullOutcome.Stored, $"bob's second pull ended {result.Outcome}");
            Step(clock, $"b.example: a second 1 KiB message to bob, warm: durable submit {submittedMs:F1} ms, notification filed at {notifiedMs:F1} ms, pulled, verified and stored at {elapsed.Elapsed.TotalMilliseconds:F1} ms");
        }
        finally
        {
            b.Puller.Completed -= OnCompleted;
        }
    }

    // A datagram sealed by a stranger, claiming a.example's key: dropped as undecryptable, and nothing comes back.
    private static async Task ForgeryAsync(Stopwatch clock, DemoDomain a, DemoDomain b, RecipientHash carol)
    {
        using var mallory = DomainKeySet.Generate("mallory.example");
        var key = new byte[NotificationKey.Size];
        Expect(NotificationKey.TryDeriveSending(mallory, b.Keys.AgreementPublicKey, key), "key agreement failed");
        var datagram = new byte[NotificationLimits.MaxDatagramSize];
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var writer = new DatagramWriter(datagram, DatagramType.Notification, a.Keys.AgreementPublicKey, now);
        writer.TryAdd(new NotificationRecord(FetchCapability.NewRandom(), carol, now + 60_000, 1, default, 1, NotificationFlags.None, "a.example"u8, default, default));
        var length = writer.Seal(key);
        var before = b.Listener.Counters.TotalDrops;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await socket.SendToAsync(datagram.AsMemory(0, length), b.Listener.LocalEndpoint);
        await WaitFor(() => b.Listener.Counters.TotalDrops > before, "the forgery counted as dropped");
        using var silence = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var answered = false;
        try
        {
            await socket.ReceiveAsync(new byte[2048], silence.Token);
            answered = true;
        }
        catch (OperationCanceledException)
        {
        }

        Expect(!answered, "b.example answered a datagram");
        Step(clock, $"b.example: a forged datagram was dropped (undecryptable: {b.Listener.Counters.Drops(DropReason.Undecryptable)}) and nothing was sent back");
    }

    // Alice retracts a second blob before Carol fetches it: the notice removes Carol's reference at b.example.
    private static async Task RetractionAsync(Stopwatch clock, DemoDomain a, DemoDomain b, RecipientHash carol)
    {
        var submission = await a.Store.SubmitAsync(new SubmissionRequest
        {
            Account = "alice",
            Recipients = [new TransitRecipient("b.example", carol)],
            TransitExpiry = DateTimeOffset.UtcNow.AddDays(1),
            MimeHint = "message/tern",
        }, new MemoryStream(Encoding.UTF8.GetBytes("(a message alice thinks better of)")));
        a.Scheduler.Schedule(submission);
        await WaitFor(() => b.Pending.Poll(carol, 0, 10).References.Count == 1, "the second notification reached carol's pending list");
        Step(clock, $"a.example: alice sent carol a second message ({submission.MessageId}); it is pending at b.example");
        var retraction = await a.Store.RetractAsync(submission.MessageId, "alice");
        a.Scheduler.ScheduleRetraction(retraction);
        await WaitFor(() => b.Pending.Poll(carol, 0, 10).References.Count == 0, "the retraction removed carol's reference");
        Step(clock, $"a.example: alice retracted it before any fetch; b.example removed carol's reference on the retraction notice ({b.Sink.Retracted} retracted)");
    }

    private static void Report(Stopwatch clock, DemoDomain a, DemoDomain b, RecipientHash bob)
    {
        var alice = a.Store.GetAccountStats("alice");
        var toB = a.Store.GetDomainStats("b.example");
        var sent = a.Scheduler.Counters;
        Step(clock, "accounting at a.example (the sender pays):");
        Console.WriteLine($"          account alice: live {alice.LiveBytes} B, {alice.ByteSeconds:F0} byte-seconds, deliveries outstanding {alice.Outstanding}, fetched {alice.Fetched}, retracted {alice.Retracted}, expired {alice.Expired}");
        Console.WriteLine($"          to b.example:  live {toB.LiveBytes} B, deliveries outstanding {toB.Outstanding}, fetched {toB.Fetched}, retracted {toB.Retracted}");
        Console.WriteLine($"          notifications: {sent.DatagramsSent} datagrams, {sent.RecordsSent} records, {sent.Retransmissions} retransmissions, {sent.RetractionRecordsSent} retraction records");
        var received = b.Listener.Counters;
        Step(clock, "accounting at b.example (what a.example costs it):");
        Console.WriteLine($"          from a.example: {b.Listener.DatagramsReceived} datagrams received, {received.RecordsAccepted} records accepted, {b.Sink.Inserted} filed, {b.Sink.Duplicates} repeats, {b.Sink.Retracted} retracted, {received.TotalDrops} dropped");
        Console.WriteLine($"          pending references from a.example now: {b.Pending.GetSenderDomainCount("a.example")}; pulled immediately: {b.Sink.ImmediatePullsQueued}");
        foreach (var message in b.Messages.List(bob))
        {
            Console.WriteLine($"          bob's message store: {message.Size} B from {message.SenderDomain}, payload hash {message.PayloadHash}");
        }
    }

    private static DomainDescriptor Discover(Stopwatch clock, DemoDomain by, DemoDomain of)
    {
        var signed = SignedDescriptor.Sign(of.Describe(), of.Keys);
        var txt = TernDnsRecords.FormatTxtValue(Bytes32.Parse(of.Keys.Fingerprint));
        var verified = SignedDescriptor.Verify(signed, of.Domain, DateTimeOffset.UtcNow, TernDnsRecords.ParseTxtValue(txt).Fingerprints);
        Expect(verified.IsValid, $"{of.Domain}'s descriptor does not verify: {verified.Failure} {verified.Detail}");
        Step(clock, $"{by.Domain}: verified {of.Domain}'s signed descriptor ({signed.Length} bytes) against DNS TXT \"{txt}\"");
        return verified.Descriptor!;
    }

    private static byte[] UserKey()
    {
        using var key = Ed25519.Generate();
        var publicKey = new byte[Ed25519.PublicKeySize];
        Ed25519.PublicKeyOf(key, publicKey);
        return publicKey;
    }

    private static async Task WaitFor(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > StepTimeout)
            {
                throw new InvalidDataException($"demo failed: timed out waiting for {what}");
            }

            await Task.Delay(10);
        }
    }

    private static void Step(Stopwatch clock, string text) => Console.WriteLine($"{clock.Elapsed.TotalMilliseconds,7:F1} ms  {text}");

    private static void Expect(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidDataException($"demo failed: {failure}");
        }
    }

    // The resolver exists only after both notification ports are bound (descriptors name them).
    private sealed class DeferredResolver(Func<StaticDescriptorResolver> inner) : IDescriptorResolver
    {
        public ValueTask<DomainDescriptor?> ResolveAsync(string domain, CancellationToken cancellationToken) => inner().ResolveAsync(domain, cancellationToken);
    }
}
