using Tern.Engine.Bulk;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;

namespace Tern.Vectors;

/// <summary>bulk.json: a bulk session of one blob from the gateway a.example to the gateway gw.example (PROTOCOL.md §17).</summary>
internal static class BulkVectors
{
    public const string FileName = "bulk.json";

    public static readonly BulkSessionId Session = new(0x0102030405060708, 0x1112131415161718);

    private const string Description =
        "Bulk session (PROTOCOL.md §17) of one blob (the blob of fetch-frames.json) from the sending gateway a.example to the "
        + "receiving gateway gw.example, for recipient domain c.example. \"manifest\" is signed by a.example's key over "
        + "\"tern/v1/bulk-manifest\\n\" || its bytes before the signature; the block is the manifest then the blob; the one data "
        + "datagram carries the whole block and is a checkpoint (serial 1); \"report\" lists one missing range as a receiver "
        + "would before the block is whole, \"report_complete\" says it is; \"receipt\" is signed by gw.example over "
        + "\"tern/v1/bulk-receipt\\n\" || its bytes before the signature, \"merkle_leaf\" is H(\"tern/v1/bulk-leaf\", …) of the "
        + "one held blob and so the root. Times in ms since the epoch; bytes lower-case hex.";

    public static VectorFile Build(VectorKeys keys)
    {
        var entry = new BulkManifestEntry(
            VectorInputs.ReceiptMessageId, VectorInputs.BlobHash, VectorInputs.Blob.Length, VectorInputs.TransitExpiryMs,
            VectorInputs.DomainA, VectorInputs.RelayedDomain, "message/tern", [VectorInputs.PublishedToken]);
        var manifest = new BulkManifest
        {
            Session = Session,
            CreatedAtMs = VectorInputs.SentAtMs,
            DeadlineMs = VectorInputs.SentAtMs + 20_000,
            OneWayLightTimeMs = 300,
            SenderSigningKey = new Bytes32(keys.A.SigningPublicKey),
            SenderGateway = keys.A.Domain,
            ReceiverGateway = keys.Gateway.Domain,
            Entries = [entry],
        };
        var manifestBytes = manifest.Sign(keys.A);
        byte[] block = [.. manifestBytes, .. VectorInputs.Blob];

        var data = new byte[BulkDatagram.DataHeaderSize + block.Length];
        block.CopyTo(data, BulkDatagram.DataHeaderSize);
        BulkDatagram.WriteData(data, Session, 1, block.Length, 0, block.Length);

        var report = new byte[BulkDatagram.ReportHeaderSize + BulkDatagram.RangeSize];
        BulkDatagram.WriteReport(report, Session, complete: false, 1, block.Length, 1);
        BulkDatagram.WriteRange(report, 0, 100, 200);
        var complete = new byte[BulkDatagram.ReportHeaderSize];
        BulkDatagram.WriteReport(complete, Session, complete: true, 2, block.Length, 0);

        bool[] accepted = [true];
        var receipt = new BulkReceipt
        {
            Session = Session,
            ManifestHash = BulkReceipt.HashManifest(manifestBytes),
            Root = BulkMerkle.Root(manifest, accepted),
            Accepted = accepted,
            AcceptedAtMs = VectorInputs.SentAtMs + 1_000,
            GatewaySigningKey = new Bytes32(keys.Gateway.SigningPublicKey),
            GatewayDomain = keys.Gateway.Domain,
        }.Sign(keys.Gateway);
        var receiptDatagram = new byte[BulkDatagram.HeaderSize + receipt.Length];
        BulkDatagram.WriteReceipt(receiptDatagram, Session, receipt);
        var cancel = new byte[BulkDatagram.HeaderSize + 1];
        BulkDatagram.WriteCancel(cancel, Session, BulkCancelReason.RetryLimit);

        return VectorJson.Document(FileName, Description, json =>
        {
            json.WriteString("sender_gateway", keys.A.Domain);
            json.WriteHex("sender_signing_public", keys.A.SigningPublicKey);
            json.WriteString("receiver_gateway", keys.Gateway.Domain);
            json.WriteHex("receiver_signing_public", keys.Gateway.SigningPublicKey);
            json.WriteHex("session_id", data.AsSpan(4, BulkSessionId.Size));
            json.WriteHex("manifest", manifestBytes);
            json.WriteHex("manifest_signed_message", [.. BulkManifest.SignatureContext, .. manifestBytes.AsSpan(0, manifestBytes.Length - Ed25519.SignatureSize)]);
            json.WriteHex("block", block);
            json.WriteHex("data_datagram", data);
            json.WriteHex("report", report);
            json.WriteHex("report_complete", complete);
            json.WriteHex("merkle_leaf", BulkMerkle.Leaf(entry).ToArray());
            json.WriteHex("receipt", receipt);
            json.WriteHex("receipt_datagram", receiptDatagram);
            json.WriteHex("cancel_retry_limit", cancel);
        });
    }
}
