using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Protocol.Notification;

namespace Tern.Cli.Commands;

/// <summary>
/// The embedded demo: a.example and b.example on loopback. Today it runs what the engine has — keys,
/// signed descriptors, DNS records, a sealed notification over a real UDP socket, silence, a retraction —
/// and says what is not built yet. Each later capability joins the demo when it lands.
/// </summary>
internal static class DemoCommand
{
    public static async Task<int> RunAsync(CliArguments options)
    {
        var keep = options.Flag("keep");
        options.RejectUnknown();
        var root = Path.Combine(Path.GetTempPath(), "tern-demo-" + Environment.ProcessId);
        var clock = Stopwatch.StartNew();
        try
        {
            Step(clock, $"libsodium {Sodium.Version}; data under {root}");
            using var a = CreateDomain(root, "a.example");
            using var b = CreateDomain(root, "b.example");

            using var bSocket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            bSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var bEndpoint = (IPEndPoint)bSocket.LocalEndPoint!;
            using var aSocket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            aSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Step(clock, $"b.example listens for notifications on udp://{bEndpoint}");

            // a.example discovers b.example: fingerprint from DNS TXT, then the signed descriptor.
            var bDescriptor = SignedDescriptor.Sign(
                DomainDescriptor.For(b, [$"udp://{bEndpoint}"], ["https://node.b.example:7443"], TimeSpan.FromDays(7)), b);
            var txt = TernDnsRecords.FormatTxtValue(Bytes32.Parse(b.Fingerprint));
            var fingerprints = TernDnsRecords.ParseTxtValue(txt);
            var verified = SignedDescriptor.Verify(bDescriptor, "b.example", DateTimeOffset.UtcNow, fingerprints.Fingerprints);
            Expect(verified.IsValid, $"b.example's descriptor does not verify: {verified.Failure} {verified.Detail}");
            Step(clock, $"a.example verified b.example's descriptor ({bDescriptor.Length} bytes) against DNS TXT \"{txt}\"");

            // Alice (a.example) writes to Bob (b.example): first-contact recipient hash from their user keys.
            var alice = UserKey();
            var bob = UserKey();
            var recipient = RecipientHashDerivation.FirstContact(alice, bob, "b.example");
            var blob = Encoding.UTF8.GetBytes("(an encrypted envelope and payload: opaque to both servers)");
            Span<byte> payloadHash = stackalloc byte[Blake2b.HashSize];
            Blake2b.Hash(blob, payloadHash);
            var capability = FetchCapability.NewRandom();
            Step(clock, $"alice@a.example submits a {blob.Length}-byte blob for hash {recipient}; capability {capability}");

            // a.example seals the notification to b.example's agreement key and sends it.
            var sendKey = new byte[NotificationKey.Size];
            Expect(NotificationKey.TryDeriveSending(a, verified.Descriptor!.AgreementKey.ToArray(), sendKey), "key agreement failed");
            var datagram = new byte[NotificationLimits.MaxDatagramSize];
            var writer = new DatagramWriter(datagram, DatagramType.Notification, a.AgreementPublicKey, Now());
            var hints = FetchHintList.Encode(["https://node.a.example:7443"]);
            FetchHintList.TryCreate(hints, out var hintList);
            var expiry = Now() + (long)TimeSpan.FromDays(3).TotalMilliseconds;
            writer.TryAdd(new NotificationRecord(capability, recipient, expiry, blob.Length, new Bytes32(payloadHash), 1, NotificationFlags.None,
                "a.example"u8, "message/822"u8, hintList));
            var length = writer.Seal(sendKey);
            await aSocket.SendToAsync(datagram.AsMemory(0, length), bEndpoint);
            Step(clock, $"a.example sent a {length}-byte sealed notification (cleartext: version, type, a's key, nonce)");

            // b.example opens it, applies the time rules, checks the sender key against a's descriptor.
            var aDescriptor = SignedDescriptor.Sign(
                DomainDescriptor.For(a, [$"udp://{aSocket.LocalEndPoint}"], ["https://node.a.example:7443"], TimeSpan.FromDays(7)), a);
            var received = await Receive(bSocket);
            var plaintext = new byte[NotificationLimits.MaxBodySize];
            var receiveKey = new byte[NotificationKey.Size];
            Expect(DatagramHeader.TryRead(received, out var header) == DropReason.None, "header rejected");
            Expect(NotificationKey.TryDeriveReceiving(b, header.SenderKey, receiveKey), "low-order sender key");
            Expect(DatagramBody.TryOpen(header, receiveKey, plaintext, out var body) == DropReason.None, "notification did not open");
            Expect(NotificationClock.CheckSentAt(body.SentAtMs, Now()) == DropReason.None, "sent_at outside the window");
            var aVerified = SignedDescriptor.Verify(aDescriptor, "a.example", DateTimeOffset.UtcNow, [Bytes32.Parse(a.Fingerprint)]);
            Expect(aVerified.IsValid && aVerified.Descriptor!.AgreementKey == new Bytes32(header.SenderKey), "sender key does not match a.example's descriptor");
            foreach (var record in body.Notifications)
            {
                Expect(record.Capability == capability && record.RecipientHash == recipient, "record fields differ");
                Expect(NotificationClock.CheckExpiry(record.TransitExpiryMs, Now(), NotificationLimits.MaxTransit) == DropReason.None, "expiry rejected");
                Step(clock, $"b.example opened it: {record.PayloadSize} bytes from {Encoding.ASCII.GetString(record.SenderDomain)}, " +
                    $"mime {Encoding.ASCII.GetString(record.MimeHint)}, attempt {record.Attempt}, sender key matches a.example's descriptor");
            }

            // Silence: nothing comes back to a.example.
            aSocket.ReceiveTimeout = 200;
            Expect(!TryReceive(aSocket), "b.example answered a notification");
            Step(clock, "b.example sent nothing back (silence is the only response)");

            // A datagram sealed by a stranger is dropped silently, with a reason.
            using var stranger = DomainKeySet.Generate("mallory.example");
            var strangerKey = new byte[NotificationKey.Size];
            NotificationKey.TryDeriveSending(stranger, b.AgreementPublicKey, strangerKey);
            var forged = new byte[NotificationLimits.MaxDatagramSize];
            var forgedWriter = new DatagramWriter(forged, DatagramType.Notification, a.AgreementPublicKey, Now());
            forgedWriter.TryAdd(new NotificationRecord(FetchCapability.NewRandom(), recipient, expiry, 1, default, 1, NotificationFlags.None, "a.example"u8, default, default));
            DatagramHeader.TryRead(forged.AsSpan(0, forgedWriter.Seal(strangerKey)), out var forgedHeader);
            var forgedReason = DatagramBody.TryOpen(forgedHeader, receiveKey, plaintext, out _);
            Expect(forgedReason == DropReason.Undecryptable, "a forged notification opened");
            Step(clock, $"a forgery claiming a.example's key was dropped: {forgedReason}");

            // a.example retracts before any fetch.
            var retraction = new byte[NotificationLimits.MaxDatagramSize];
            var retractionWriter = new DatagramWriter(retraction, DatagramType.Retraction, a.AgreementPublicKey, Now());
            retractionWriter.TryAdd(new RetractionRecord(capability, recipient, RetractionFlags.None, "a.example"u8));
            await aSocket.SendToAsync(retraction.AsMemory(0, retractionWriter.Seal(sendKey)), bEndpoint);
            var retracted = await Receive(bSocket);
            DatagramHeader.TryRead(retracted, out var retractionHeader);
            Expect(DatagramBody.TryOpen(retractionHeader, receiveKey, plaintext, out var retractionBody) == DropReason.None, "retraction did not open");
            foreach (var record in retractionBody.Retractions)
            {
                Expect(record.Capability == capability, "retraction names another capability");
                Step(clock, $"b.example received a retraction of {record.Capability}");
            }

            Step(clock, "not built yet: transit store, retransmission, pending table, fetch doors, pull (see README status)");
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

    private static DomainKeySet CreateDomain(string root, string domain)
    {
        var directory = Path.Combine(root, domain);
        using (var generated = DomainKeySet.Generate(domain))
        {
            generated.Save(directory);
        }

        var keys = DomainKeySet.Load(directory);
        Console.WriteLine($"        {domain}: keys in {directory} (0600), fingerprint {keys.Fingerprint}");
        return keys;
    }

    private static byte[] UserKey()
    {
        var seed = new byte[Ed25519.SeedSize];
        SecureRandom.Fill(seed);
        var publicKey = new byte[Ed25519.PublicKeySize];
        Ed25519.KeyPairFromSeed(seed, publicKey, new byte[Ed25519.SecretKeySize]);
        return publicKey;
    }

    private static async Task<byte[]> Receive(Socket socket)
    {
        var buffer = new byte[2048];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var result = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return buffer[..result.ReceivedBytes];
    }

    private static bool TryReceive(Socket socket)
    {
        try
        {
            var buffer = new byte[2048];
            EndPoint any = new IPEndPoint(IPAddress.Any, 0);
            return socket.ReceiveFrom(buffer, ref any) > 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            return false;
        }
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static void Step(Stopwatch clock, string text) => Console.WriteLine($"{clock.Elapsed.TotalMilliseconds,7:F1} ms  {text}");

    private static void Expect(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidDataException($"demo failed: {failure}");
        }
    }
}
