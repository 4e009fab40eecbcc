using System.Text.Json;
using Tern.Cli.Client;
using Tern.Cli.Commands;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Envelopes;

namespace Tern.Cli.Envelopes;

/// <summary>
/// <c>tern fetch --open-with</c>: downloads the whole message to a private temporary file, verifies it (docs/C2S.md
/// §16, <see cref="MessageCheck"/>) and only then decrypts the payload to the output with the content key of the
/// envelope slot that opened (docs/PROTOCOL.md §15.5). A message that fails any step
/// writes nothing and exits 1 with the reason.
/// </summary>
internal static class OpenedMessage
{
    public static async Task<long> FetchAsync(CliContext context, TernApi api, string id, string keyFile, string? path, CancellationToken cancellationToken)
    {
        using var keys = UserKeyFile.Load(keyFile, "--open-with", agreementOnly: true);
        var filedUnder = await FiledUnderAsync(api, id, cancellationToken).ConfigureAwait(false);
        var temporary = Path.Combine(Path.GetTempPath(), $"tern-fetch-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (var response = await api.GetStreamAsync($"v1/stored/{id}", null, cancellationToken).ConfigureAwait(false))
            {
                var progress = new ProgressReporter(context, "fetch", response.Content.Headers.ContentLength ?? 0);
                var body = new ProgressStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), progress);
                var file = new FileStream(temporary, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
                await using (body.ConfigureAwait(false))
                await using (file.ConfigureAwait(false))
                {
                    await body.CopyToAsync(file, 64 * 1024, cancellationToken).ConfigureAwait(false);
                }

                progress.Finish();
            }

            var outcome = await MessageCheck.VerifyAsync(temporary, keys, filedUnder,
                address => KeyLookups.DirectoryAsync(api, address, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (outcome.Verdict != EnvelopeVerdict.Valid)
            {
                throw new CliException($"refused, not shown: {outcome.Reason} ({outcome.Verdict})", ExitCodes.Error);
            }

            var sender = outcome.Envelope.SenderAddress;
            var known = KnownKeys.Load(context);
            if (known.Get(sender) is { } seen && seen != outcome.Envelope.SenderKeyFingerprint)
            {
                context.Error.WriteLine($"warning: {sender}'s key changed: {seen} -> {outcome.Envelope.SenderKeyFingerprint}");
            }

            known.Set(sender, outcome.Envelope.SenderKeyFingerprint);
            context.Error.WriteLine($"from {sender} (verified), message {outcome.Envelope.MessageId}, sent {DateTimeOffset.FromUnixTimeMilliseconds(outcome.Envelope.SentAtMs):u}");
            var blob = File.OpenRead(temporary);
            await using (blob.ConfigureAwait(false))
            {
                blob.Position = outcome.PayloadOffset;
                if (outcome.Envelope.PayloadCipher == PayloadCipher.None)
                {
                    return await FetchCommand.WriteAsync(context, blob, path, append: false, cancellationToken).ConfigureAwait(false);
                }

                var contentKey = outcome.Envelope.ContentKey.ToArray();
                try
                {
                    return await FetchCommand.WriteAsync(context, blob, path, append: false, cancellationToken, async (source, destination, ct) =>
                    {
                        // Checked whole by MessageCheck already; the file cannot have changed under this process's private name.
                        if (!await PayloadEncryption.OpenAsync(source, destination, contentKey, ct).ConfigureAwait(false))
                        {
                            throw new CliException("the payload stopped decrypting while it was written", ExitCodes.Error);
                        }
                    }).ConfigureAwait(false);
                }
                finally
                {
                    System.Security.Cryptography.CryptographicOperations.ZeroMemory(contentKey);
                }
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The recipient hash the stored message <paramref name="id"/> arrived under (what the envelope must name, §15.4 step 5).</summary>
    private static async Task<RecipientHash> FiledUnderAsync(TernApi api, string id, CancellationToken cancellationToken)
    {
        using var list = await api.GetJsonAsync("v1/stored", cancellationToken).ConfigureAwait(false);
        foreach (var item in list.RootElement.GetProperty("messages").EnumerateArray())
        {
            if (item.GetProperty("id").GetString() == id && item.GetProperty("hash").ValueKind == JsonValueKind.String
                && RecipientHash.TryParse(item.GetProperty("hash").GetString(), out var hash))
            {
                return hash;
            }
        }

        throw new CliException($"no stored message of yours has the id {id}", ExitCodes.NotFound);
    }
}
