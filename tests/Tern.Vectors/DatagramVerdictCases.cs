using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Vectors;

/// <summary>
/// The cases of datagram-verdicts.json: borderline fields (§4.2) and datagrams that break several §4.4 rules at once,
/// each with the verdict the spec gives. Only rules that depend on the bytes and the clock appear; the receiver's
/// policies (rate, cold-key budget, pull preference, table caps) are exercised by the engine's tests.
/// </summary>
internal static class DatagramVerdictCases
{
    private const long Sent = VectorInputs.SentAtMs;
    private const long Now = Sent + 1_000;
    private const long Day = 86_400_000;

    /// <summary>The protocol maximum transit (30 days) plus the tolerated skew (120 s), §4.4.</summary>
    private const long Farthest = (30 * Day) + 120_000;

    private static readonly string[] Accepted = ["accepted"];

    private static NotificationInput Base => new(VectorInputs.Capability2, RecipientHashVectors.NegotiatedHash, Sent + (7 * Day), 70_000,
        new Bytes32(VectorInputs.Run(0x40)), 1, NotificationFlags.None, VectorInputs.DomainA, "", []);

    private static RetractionInput BaseRetraction => new(VectorInputs.Capability2, RecipientHashVectors.NegotiatedHash, RetractionFlags.None, VectorInputs.DomainA);

    public static IReadOnlyList<VerdictCase> Build(VerdictSealer s)
    {
        byte nonce = 0x01;
        var cases = new List<VerdictCase>();

        void Sealed(string name, string rule, string what, (byte[] Header, byte[] Plaintext) body, string verdict, long now = Now, string[]? records = null, Action<byte[], byte[]>? change = null)
        {
            change?.Invoke(body.Header, body.Plaintext);
            cases.Add(new VerdictCase(name, rule, what, now, s.Seal(body.Header, body.Plaintext), body.Header, body.Plaintext, verdict, records ?? []));
        }

        void Raw(string name, string rule, string what, Func<byte[], byte[]> change, string verdict)
        {
            var (header, plaintext) = s.Notification(Sent, nonce++, Base);
            cases.Add(new VerdictCase(name, rule, what, Now, change(s.Seal(header, plaintext)), null, null, verdict, []));
        }

        static void Set(byte[] bytes, int offset, params byte[] values) => values.CopyTo(bytes, offset);

        static int Record(byte[] plaintext) => VerdictSealer.RecordStart(plaintext, 0);

        byte[] high = [0x80, 0, 0, 0, 0, 0, 0, 0];

        // §4.2, field by field.
        Sealed("reserved_notification_flag", "§4.2", "the record's flags byte is 0x02 (bit 1, reserved)",
            s.Notification(Sent, nonce++, Base), "malformed", change: (_, p) => p[Record(p) + 114] = 0x02);
        Sealed("reserved_retraction_flag", "§4.2", "the retraction record's flags byte is 0x80 (bit 7, reserved)",
            s.Retraction(Sent, nonce++, BaseRetraction), "malformed", change: (_, p) => p[Record(p) + 64] = 0x80);
        Sealed("attempt_zero", "§4.2", "attempt is 0", s.Notification(Sent, nonce++, Base), "malformed", change: (_, p) => Set(p, Record(p) + 112, 0, 0));
        Sealed("attempt_65535", "§4.2", "attempt is 65535, where senders saturate",
            s.Notification(Sent, nonce++, Base with { Attempt = ushort.MaxValue }), "accepted", records: Accepted);
        Sealed("payload_size_zero", "§4.2", "payload_size is 0: an empty blob (payload_hash is not checked on arrival, §4.7 checks it after the fetch)",
            s.Notification(Sent, nonce++, Base with { PayloadSize = 0 }), "accepted", records: Accepted);
        Sealed("payload_size_2_63", "§2.1, §4.2", "payload_size is 2^63", s.Notification(Sent, nonce++, Base), "malformed", change: (_, p) => Set(p, Record(p) + 72, high));
        Sealed("transit_expiry_2_63", "§2.1, §4.2", "transit_expiry is 2^63", s.Notification(Sent, nonce++, Base), "malformed", change: (_, p) => Set(p, Record(p) + 64, high));
        Sealed("sent_at_2_63", "§2.1, §4.4", "sent_at is 2^63: malformed, not future", s.Notification(Sent, nonce++, Base), "malformed", change: (_, p) => Set(p, 0, high));
        Sealed("unknown_hint_scheme", "§4.2, §8.5", "the first fetch hint has the scheme gopher: the record is filed and the hint skipped at pull time",
            s.Notification(Sent, nonce++, Base with { FetchHints = ["gopher://node.a.example:70", "tern+tcp://node.a.example:7401"] }), "accepted", records: Accepted);
        Sealed("via_gateway_from_sender_key", "§4.2, §4.7", "via_gateway is set by a.example's own key: filed on arrival, refused before the pull",
            s.Notification(Sent, nonce++, Base with { Flags = NotificationFlags.ViaGateway }), "accepted", records: Accepted);
        Sealed("notification_record_in_retraction_datagram", "§4.1", "a notification record in a datagram of type 0x02: records carry no type byte and it does not parse as a retraction record",
            s.Notification(Sent, nonce++, Base), "malformed", change: (h, _) => h[1] = (byte)DatagramType.Retraction);
        Sealed("retraction_record_in_notification_datagram", "§4.1", "a retraction record in a datagram of type 0x01",
            s.Retraction(Sent, nonce++, BaseRetraction), "malformed", change: (h, _) => h[1] = (byte)DatagramType.Notification);

        // §4.4, the order: each datagram breaks two rules and is counted under the first.
        Raw("too_short_and_unknown_version", "§4.4", "100 bytes with version 2", d => { var raw = d[..100]; raw[0] = 2; return raw; }, "too_short");
        Raw("too_long_and_unknown_type", "§4.4", "1300 bytes with type 9", d => { var raw = new byte[1300]; d.CopyTo(raw, 0); raw[1] = 9; return raw; }, "too_long");
        Raw("unknown_version_and_unknown_type", "§4.4", "version 2 and type 9", d => { d[0] = 2; d[1] = 9; return d; }, "unknown_version");
        Raw("unknown_type", "§4.4", "type 3", d => { d[1] = 3; return d; }, "unknown_type");
        Raw("low_order_sender_key", "§4.3, §4.4", "sender_key is all zeros, a low-order point", d => { Array.Clear(d, 2, 32); return d; }, "undecryptable");
        Raw("tag_flipped", "§4.4", "the last bit of the tag is flipped", d => { d[^1] ^= 1; return d; }, "undecryptable");
        Sealed("malformed_and_stale", "§4.4", "a reserved flag bit, and sent_at 601 s before now",
            s.Notification(Now - 601_000, nonce++, Base), "malformed", change: (_, p) => p[Record(p) + 114] = 0x02);
        Sealed("stale_and_expired", "§4.4", "sent_at 601 s before now and a record whose transit_expiry is now",
            s.Notification(Now - 601_000, nonce++, Base with { TransitExpiryMs = Now }), "stale");
        Sealed("future_and_expiry_too_far", "§4.4", "sent_at 121 s after now and a record expiring beyond 30 days and 120 s",
            s.Notification(Now + 121_000, nonce++, Base with { TransitExpiryMs = Now + Farthest + 1 }), "future");
        Sealed("each_record_once", "§4.4", "three records: expiry now, expiry in 7 days, expiry 1 ms beyond 30 days and 120 s",
            s.Notification(Sent, nonce++,
                Base with { Capability = VectorInputs.Capability1, TransitExpiryMs = Now },
                Base,
                Base with { Capability = VectorInputs.Capability3, TransitExpiryMs = Now + Farthest + 1 }),
            "accepted", records: ["expired", "accepted", "expiry_too_far"]);
        Sealed("boundaries", "§4.4", "sent_at exactly 600 s before now and a record expiring exactly 30 days and 120 s after now",
            s.Notification(Now - 600_000, nonce++, Base with { TransitExpiryMs = Now + Farthest }), "accepted", records: Accepted);
        return cases;
    }
}
