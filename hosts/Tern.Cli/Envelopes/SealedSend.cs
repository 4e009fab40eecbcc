using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tern.Cli.Client;
using Tern.Cli.Sealing;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Envelopes;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Cli.Envelopes;

/// <summary>
/// <c>tern send</c> of a sealed, signed message (docs/C2S.md §6, §16; docs/PROTOCOL.md §15): finds each recipient's
/// key (its published record, or the key --seal-to gives) and hash, checks each recipient's fingerprint against the one
/// seen last, encrypts the payload once under a random content key, reserves a message id, signs one envelope per
/// recipient with it, uploads head and payload (resuming from what the node holds if the upload is cut), and sends to
/// every recipient. With <c>--announce</c> a reference message naming the transfer goes out first (docs/C2S.md §6).
/// </summary>
internal static class SealedSend
{
    private const int UploadAttempts = 3;

    /// <summary>The MIME type of a reference message's payload (docs/C2S.md §6, docs/CLI.md).</summary>
    public const string ReferenceMimeType = "application/vnd.tern.reference+json";

    public sealed record Request(string? File, IReadOnlyList<string> Recipients, string? SealTo, string KeyFile, DateTimeOffset? Expires, string? Mime,
        bool Introduction, bool AcceptKeyChange, bool Announce = false);

    public static async Task<JsonNode> RunAsync(CliContext context, TernApi api, Request request, CancellationToken cancellationToken)
    {
        using var keys = UserKeyFile.Load(request.KeyFile, "--key");
        var sender = await KeyLookups.MyRecordAsync(api, keys, cancellationToken).ConfigureAwait(false);
        var recipients = request.SealTo is { } sealTo
            ? [ByKey(request.Recipients[0], UserKeys.ReadPublic(sealTo, "--seal-to"))]
            : await ByAddressAsync(context, api, keys, sender, request, cancellationToken).ConfigureAwait(false);

        var expiry = request.Expires ?? DateTimeOffset.UtcNow.AddDays(7);
        var contentKey = SignedMessage.NewContentKey();
        var source = request.File is null ? context.OpenStandardInput() : System.IO.File.OpenRead(request.File);
        (string Path, long Size, Bytes32 Hash) payload;
        long plaintextSize;
        try
        {
            await using (source.ConfigureAwait(false))
            {
                payload = await SignedMessage.SealPayloadAsync(source, contentKey, cancellationToken).ConfigureAwait(false);
            }

            _ = PayloadEncryption.TryPlaintextLength(payload.Size, out plaintextSize);
            try
            {
                var messageId = await ReserveAsync(api, cancellationToken).ConfigureAwait(false);
                var head = SignedMessage.Head(keys, sender, messageId, recipients, expiry.ToUnixTimeMilliseconds(), payload.Size, payload.Hash, contentKey,
                    request.Mime ?? "", EnvelopeFlags.None);
                JsonNode? reference = null;
                if (request.Announce)
                {
                    // The reference names the transfer by its id and by the blob's size and hash, which the transfer's
                    // notification carries (§4.2): the recipient's client matches the two before pulling anything.
                    var (blobSize, blobHash) = await BlobHashAsync(head, payload.Path, cancellationToken).ConfigureAwait(false);
                    var note = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
                    {
                        ["type"] = "reference",
                        ["messageId"] = messageId.ToString(),
                        ["name"] = request.File is null ? "" : System.IO.Path.GetFileName(request.File),
                        ["size"] = plaintextSize,
                        ["blobSize"] = blobSize,
                        ["blobHash"] = blobHash.ToString(),
                        ["expires"] = Time(expiry),
                    });
                    reference = await SendOneAsync(context, api, keys, sender, recipients, new MemoryStream(note), expiry, ReferenceMimeType, cancellationToken).ConfigureAwait(false);
                }

                await UploadAsync(context, api, messageId, head, payload.Path, cancellationToken).ConfigureAwait(false);
                var answer = await SendAsync(api, messageId, recipients, expiry, request.Mime, cancellationToken).ConfigureAwait(false);
                if (reference is not null)
                {
                    answer["reference"] = reference;
                }

                return answer;
            }
            finally
            {
                System.IO.File.Delete(payload.Path);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }
    }

    /// <summary>A whole sealed message of <paramref name="plaintext"/>: reserve, seal, upload, send.</summary>
    private static async Task<JsonNode> SendOneAsync(CliContext context, TernApi api, UserKeyFile keys, UserKeyRecord sender, IReadOnlyList<SignedMessage.Recipient> recipients,
        Stream plaintext, DateTimeOffset expiry, string mime, CancellationToken cancellationToken)
    {
        var contentKey = SignedMessage.NewContentKey();
        try
        {
            var payload = await SignedMessage.SealPayloadAsync(plaintext, contentKey, cancellationToken).ConfigureAwait(false);
            try
            {
                var messageId = await ReserveAsync(api, cancellationToken).ConfigureAwait(false);
                var head = SignedMessage.Head(keys, sender, messageId, recipients, expiry.ToUnixTimeMilliseconds(), payload.Size, payload.Hash, contentKey, mime, EnvelopeFlags.None);
                await UploadAsync(context, api, messageId, head, payload.Path, cancellationToken).ConfigureAwait(false);
                return await SendAsync(api, messageId, recipients, expiry, mime, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                System.IO.File.Delete(payload.Path);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }
    }

    private static async Task<MessageId> ReserveAsync(TernApi api, CancellationToken cancellationToken)
    {
        using var reserved = await api.SendJsonAsync(HttpMethod.Post, "v1/reservations", Json(new Dictionary<string, object>()), cancellationToken).ConfigureAwait(false);
        return MessageId.TryParse(reserved.RootElement.GetProperty("messageId").GetString(), out var messageId) ? messageId
            : throw new CliException("the node reserved no usable message id", ExitCodes.Error);
    }

    private static async Task<JsonNode> SendAsync(TernApi api, MessageId messageId, IReadOnlyList<SignedMessage.Recipient> recipients, DateTimeOffset expiry, string? mime,
        CancellationToken cancellationToken)
    {
        var send = new Dictionary<string, object>
        {
            ["to"] = recipients.Select(r => $"{r.Hash}@{r.Domain}").ToArray(),
            ["expires"] = Time(expiry),
        };
        if (mime is { Length: > 0 })
        {
            send["mimeHint"] = mime;
        }

        using var answer = await api.SendJsonAsync(HttpMethod.Post, $"v1/reservations/{messageId}/send", Json(send), cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(answer.RootElement.GetRawText())!;
    }

    /// <summary>The size and payload hash (§4.8) of the whole blob, head and payload: what its notification will carry.</summary>
    private static async Task<(long Size, Bytes32 Hash)> BlobHashAsync(byte[] head, string payloadPath, CancellationToken cancellationToken)
    {
        var payload = System.IO.File.OpenRead(payloadPath);
        await using (payload.ConfigureAwait(false))
        {
            return await SignedMessage.HashAsync(new ConcatenatedStream(head, payload), cancellationToken).ConfigureAwait(false);
        }
    }

    private static SignedMessage.Recipient ByKey(string recipient, byte[] agreement)
    {
        var at = recipient.IndexOf('@', StringComparison.Ordinal);
        // The --to validator checked the form already.
        _ = RecipientHash.TryParse(recipient.AsSpan(0, at), out var hash);
        return new SignedMessage.Recipient(hash, recipient[(at + 1)..], agreement, false);
    }

    /// <summary>
    /// Every recipient by its published record (§14.5): all are checked, and any changed fingerprint shown, before a byte
    /// is sent; the fingerprints are remembered only once every recipient passed.
    /// </summary>
    private static async Task<List<SignedMessage.Recipient>> ByAddressAsync(CliContext context, TernApi api, UserKeyFile keys, UserKeyRecord sender, Request request,
        CancellationToken cancellationToken)
    {
        var known = KnownKeys.Load(context);
        var recipients = new List<SignedMessage.Recipient>();
        var seen = new List<(string Address, Bytes32 Fingerprint)>();
        var changed = new List<string>();
        foreach (var address in request.Recipients.Select(r => r.ToLowerInvariant()).Distinct(StringComparer.Ordinal))
        {
            var found = await KeyLookups.DirectoryAsync(api, address, cancellationToken).ConfigureAwait(false);
            var verdict = found.Bundle.Current(found.DomainSigningKey, address, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), out var current);
            if (verdict != UserKeyVerdict.Valid)
            {
                throw new CliException($"{address} has no usable key record ({verdict}): not sending", ExitCodes.Error);
            }

            // §14.5 step 4: a changed fingerprint is shown before anything is sent, and sent to only once acknowledged.
            if (known.Get(address) is { } before && before != current.Fingerprint)
            {
                var why = found.Bundle.Revocations.FirstOrDefault(r => r.RevokedFingerprint == before);
                var how = why.Address is null ? "replaced" : $"{Reason(why.Reason)} at {DateTimeOffset.FromUnixTimeMilliseconds(why.RevokedAtMs):u}";
                context.Error.WriteLine($"warning: {address}'s key changed: {before} -> {current.Fingerprint} ({how})");
                changed.Add(address);
            }

            var escrow = found.DomainEscrow || (current.Flags & UserKeyFlags.Escrow) != 0;
            if (escrow)
            {
                context.Error.WriteLine($"note: {address}'s domain holds their keys (escrow): it can read what you send");
            }

            var agreement = current.AgreementKey.ToArray();
            var domain = UserAddress.DomainOf(address);
            RecipientHash hash;
            if (request.Introduction)
            {
                hash = RecipientHashDerivation.Introduction(agreement, domain);
            }
            else if (!RecipientHashDerivation.TryPairwise(keys.AgreementSecret, sender.AgreementKey.ToArray(), agreement, domain, out hash))
            {
                throw new CliException($"{address}'s agreement key is a low-order point: no pairwise hash, not sending (docs/PROTOCOL.md §5)", ExitCodes.Error);
            }

            recipients.Add(new SignedMessage.Recipient(hash, domain, agreement, escrow));
            seen.Add((address, current.Fingerprint));
        }

        if (changed.Count > 0 && !request.AcceptKeyChange)
        {
            throw new CliException($"{string.Join(", ", changed)}: key changed since your last message; check it with them, then send again with --accept-key-change", ExitCodes.Error);
        }

        foreach (var (address, fingerprint) in seen)
        {
            known.Set(address, fingerprint);
        }

        return recipients;
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Uploads head and payload; a cut upload resumes from what the node holds (HEAD), never sending a byte twice.</summary>
    private static async Task UploadAsync(CliContext context, TernApi api, MessageId messageId, byte[] head, string payloadPath, CancellationToken cancellationToken)
    {
        var payloadLength = new FileInfo(payloadPath).Length;
        var total = head.Length + payloadLength;
        var progress = new ProgressReporter(context, "send", total);
        long offset = 0;
        for (var attempt = 1; ; attempt++)
        {
            var payload = System.IO.File.OpenRead(payloadPath);
            await using (payload.ConfigureAwait(false))
            {
                var body = new ConcatenatedStream(head, payload);
                body.Skip(offset);
                using var content = new StreamContent(new ProgressStream(body, progress), 64 * 1024);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Headers.ContentLength = total - offset;
                content.Headers.ContentRange = total == 0 ? null : new ContentRangeHeaderValue(offset, total - 1, total);
                try
                {
                    await api.SendAsync(HttpMethod.Put, $"v1/reservations/{messageId}/blob", content, cancellationToken).ConfigureAwait(false);
                    progress.Finish();
                    return;
                }
                catch (HttpRequestException) when (attempt < UploadAttempts)
                {
                    offset = await api.UploadedAsync($"v1/reservations/{messageId}/blob", cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static StringContent Json(Dictionary<string, object> body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static string Reason(RevocationReason reason) => reason switch
    {
        RevocationReason.Superseded => "rotated",
        RevocationReason.Compromised => "revoked as compromised",
        RevocationReason.Retired => "retired",
        _ => "revoked",
    };
}
