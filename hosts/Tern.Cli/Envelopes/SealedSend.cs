using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tern.Cli.Client;
using Tern.Cli.Sealing;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Envelopes;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Cli.Envelopes;

/// <summary>
/// <c>tern send</c> of a sealed, signed message (docs/C2S.md §6, §16; docs/PROTOCOL.md §15): finds the recipient's
/// key (its published record, or the key --seal-to gives) and hash, checks the recipient's fingerprint against the
/// one seen last, reserves a message id, signs the envelope with it, uploads head and payload (resuming from what
/// the node holds if the upload is cut), and sends.
/// </summary>
internal static class SealedSend
{
    private const int UploadAttempts = 3;

    public sealed record Request(string? File, string Recipient, string? SealTo, string KeyFile, DateTimeOffset? Expires, string? Mime, bool Introduction, bool AcceptKeyChange);

    public static async Task<JsonDocument> RunAsync(CliContext context, TernApi api, Request request, CancellationToken cancellationToken)
    {
        using var keys = UserKeyFile.Load(request.KeyFile, "--key");
        var sender = await KeyLookups.MyRecordAsync(api, keys, cancellationToken).ConfigureAwait(false);
        var (hash, domain, agreement, escrow) = request.SealTo is { } sealTo
            ? ByKey(request.Recipient, UserKeys.ReadPublic(sealTo, "--seal-to"))
            : await ByAddressAsync(context, api, keys, sender, request, cancellationToken).ConfigureAwait(false);

        var now = DateTimeOffset.UtcNow;
        var expiry = request.Expires ?? now.AddDays(7);
        var source = request.File is null ? context.OpenStandardInput() : System.IO.File.OpenRead(request.File);
        (string Path, long Size, Bytes32 Hash) payload;
        await using (source.ConfigureAwait(false))
        {
            payload = await SignedMessage.SealPayloadAsync(source, agreement, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            using var reserved = await api.SendJsonAsync(HttpMethod.Post, "v1/reservations", Json(new Dictionary<string, object>()), cancellationToken).ConfigureAwait(false);
            if (!MessageId.TryParse(reserved.RootElement.GetProperty("messageId").GetString(), out var messageId))
            {
                throw new CliException("the node reserved no usable message id", ExitCodes.Error);
            }

            var head = SignedMessage.Head(keys, sender, messageId, hash, agreement, expiry.ToUnixTimeMilliseconds(), payload.Size, payload.Hash,
                request.Mime ?? "", escrow ? EnvelopeFlags.EscrowDisclosed : EnvelopeFlags.None);
            await UploadAsync(context, api, messageId, head, payload.Path, cancellationToken).ConfigureAwait(false);
            var send = new Dictionary<string, object>
            {
                ["to"] = new[] { $"{hash}@{domain}" },
                ["expires"] = expiry.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            };
            if (request.Mime is { } mime)
            {
                send["mimeHint"] = mime;
            }

            return await api.SendJsonAsync(HttpMethod.Post, $"v1/reservations/{messageId}/send", Json(send), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            System.IO.File.Delete(payload.Path);
        }
    }

    private static (RecipientHash, string, byte[], bool) ByKey(string recipient, byte[] agreement)
    {
        var at = recipient.IndexOf('@', StringComparison.Ordinal);
        // The --to validator checked the form already.
        _ = RecipientHash.TryParse(recipient.AsSpan(0, at), out var hash);
        return (hash, recipient[(at + 1)..], agreement, false);
    }

    private static async Task<(RecipientHash, string, byte[], bool)> ByAddressAsync(CliContext context, TernApi api, UserKeyFile keys, UserKeyRecord sender, Request request,
        CancellationToken cancellationToken)
    {
        var address = request.Recipient.ToLowerInvariant();
        var found = await KeyLookups.DirectoryAsync(api, address, cancellationToken).ConfigureAwait(false);
        var verdict = found.Bundle.Current(found.DomainSigningKey, address, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), out var current);
        if (verdict != UserKeyVerdict.Valid)
        {
            throw new CliException($"{address} has no usable key record ({verdict}): not sending", ExitCodes.Error);
        }

        // §14.5 step 4: a changed fingerprint is shown before anything is sent, and sent to only once acknowledged.
        var known = KnownKeys.Load(context);
        if (known.Get(address) is { } seen && seen != current.Fingerprint)
        {
            var why = found.Bundle.Revocations.FirstOrDefault(r => r.RevokedFingerprint == seen);
            var how = why.Address is null ? "replaced" : $"{Reason(why.Reason)} at {DateTimeOffset.FromUnixTimeMilliseconds(why.RevokedAtMs):u}";
            context.Error.WriteLine($"warning: {address}'s key changed: {seen} -> {current.Fingerprint} ({how})");
            if (!request.AcceptKeyChange)
            {
                throw new CliException($"{address}'s key changed since your last message; check it with them, then send again with --accept-key-change", ExitCodes.Error);
            }
        }

        known.Set(address, current.Fingerprint);
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

        return (hash, domain, agreement, escrow);
    }

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
