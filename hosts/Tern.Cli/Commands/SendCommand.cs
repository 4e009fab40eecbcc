using System.CommandLine;
using System.Net.Http.Headers;
using Tern.Cli.Client;
using Tern.Cli.Envelopes;
using Tern.Cli.Sealing;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern send</c>: submits a file or standard input to the node's client API. To recipients by address (or one by hash
/// with <c>--seal-to</c>) it is a sealed, signed message: one payload encrypted under a random content key and one
/// envelope slot per recipient (<see cref="SealedSend"/>); otherwise the raw bytes go through POST /v1/messages.
/// </summary>
internal static class SendCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The file to send; '-' or nothing reads standard input.", Arity = ArgumentArity.ZeroOrOne };
        file.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && result.Tokens[0].Value != "-" && !File.Exists(result.Tokens[0].Value))
            {
                result.AddError($"file '{result.Tokens[0].Value}': no such file");
            }
        });
        var to = new Option<string[]>("--to")
        {
            Description = "A recipient: <hash>@<domain>, or a user's address (local@domain: its key record is looked up and the message sealed and signed to it). Repeat for several.",
            Required = true,
            HelpName = "hash@domain|address",
        };
        to.Validators.Add(ClientArguments.CheckRecipients);
        var expires = new Option<DateTimeOffset?>("--expires")
        {
            Description = "When the node stops offering it: an RFC 3339 time or a duration (90m, 12h, 7d). Default: the node's (7 days).",
            HelpName = "time|duration",
            CustomParser = ClientArguments.ParseExpiry,
        };
        var mime = new Option<string>("--mime") { Description = "A MIME hint carried in the notification (text/plain).", HelpName = "type" };
        var sealTo = new Option<string>("--seal-to")
        {
            Description = "Seal the message to this X25519 public key (a .pub file from 'tern keys new', or its base64) with a signed envelope (needs --key); the recipient is the one --to.",
            HelpName = "key",
        };
        var key = new Option<string>("--key") { Description = "Your user key file ('tern keys new', published with 'tern keys publish'): signs the envelope of a sealed message.", HelpName = "key-file" };
        var introduction = new Option<bool>("--introduction") { Description = "Address a recipient by its introduction hash (docs/PROTOCOL.md §5) instead of the pairwise one: for a first contact whose client does not know your key yet." };
        var acceptKeyChange = new Option<bool>("--accept-key-change") { Description = "Send even though a recipient's key fingerprint changed since the last message (the change is shown either way)." };
        var announce = new Option<bool>("--announce")
        {
            Description = "First send the recipients a reference message naming this transfer (its message id, name, size and blob hash), then upload and send the file (docs/C2S.md §6).",
        };
        sealTo.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1)
            {
                try
                {
                    UserKeys.ReadPublic(result.Tokens[0].Value, "--seal-to");
                }
                catch (CliException e)
                {
                    result.AddError(e.Message);
                }
            }
        });
        var idempotencyKey = new Option<string>("--idempotency-key") { Description = "Send again with the same key and the node stores it once.", HelpName = "key" };
        idempotencyKey.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && (result.Tokens[0].Value.Length is 0 or > 128 || result.Tokens[0].Value.Any(c => c is < '!' or > '~')))
            {
                result.AddError("--idempotency-key: 1 to 128 visible ASCII characters");
            }
        });
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("send", """
            Send a file (or standard input) to one or more recipients through your node.
            Examples:
              tern send report.pdf --to <hash>@example.org --expires 3d
              echo hello | tern send --to <hash>@example.org --seal-to bob.key.pub --key me.key --json
              tern send big.iso --to bob@example.org --to carol@example.net --key me.key --announce
            """)
        {
            file, to, expires, mime, sealTo, key, introduction, acceptKeyChange, announce, idempotencyKey, json,
        };
        settings.AddTo(command);
        command.Validators.Add(result =>
        {
            var recipients = result.GetValue(to) ?? [];
            var byAddress = recipients.Any(ClientArguments.IsAddress);
            var sealing = byAddress || result.GetResult(sealTo) is not null;
            if (sealing && result.GetResult(key) is null)
            {
                result.AddError("a sealed message (--seal-to, or --to by address) is signed: it needs --key, your published user key file");
            }

            if (result.GetResult(sealTo) is not null && recipients.Length != 1)
            {
                result.AddError("--to: --seal-to seals to one recipient given by hash: give --to once (recipients given by address are sealed to each one's published key)");
            }

            if (byAddress && !recipients.All(ClientArguments.IsAddress))
            {
                result.AddError("--to: a sealed message to recipients by address names every one by address: a <hash>@<domain> recipient has no key to seal to");
            }

            if (result.GetValue(announce) && !sealing)
            {
                result.AddError("--announce sends a sealed reference message: the recipients are given by address (or --seal-to)");
            }

            if (result.GetResult(sealTo) is not null && byAddress)
            {
                result.AddError("--seal-to names the key of a recipient given by hash; a recipient given by address is sealed to its published key");
            }

            if (sealing && result.GetResult(idempotencyKey) is not null)
            {
                result.AddError("--idempotency-key is for the one-shot submit; a sealed message is sent through a reservation, which is idempotent itself");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            var recipientsGiven = result.GetRequiredValue(to);
            if (result.GetValue(key) is { } keyFile)
            {
                var sealedAnswer = await SealedSend.RunAsync(context, api, new SealedSend.Request(
                    result.GetValue(file) is { } f && f != "-" ? f : null, recipientsGiven, result.GetValue(sealTo), keyFile, result.GetValue(expires),
                    result.GetValue(mime), result.GetValue(introduction), result.GetValue(acceptKeyChange), result.GetValue(announce)), cancellationToken).ConfigureAwait(false);
                Print(context, System.Text.Json.JsonSerializer.SerializeToElement(sealedAnswer), result.GetValue(json));

                return ExitCodes.Ok;
            }

            var query = new List<string>();
            foreach (var recipient in result.GetRequiredValue(to))
            {
                query.Add(ClientArguments.Query("to", recipient));
            }

            if (result.GetValue(expires) is { } expiry)
            {
                query.Add(ClientArguments.Query("expires", expiry.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)));
            }

            if (result.GetValue(mime) is { } hint)
            {
                query.Add(ClientArguments.Query("mime", hint));
            }

            var path = result.GetValue(file) is { } named && named != "-" ? named : null;
            var body = path is null ? context.OpenStandardInput() : File.OpenRead(path);
            long? length = path is null ? null : body.Length;
            await using (body.ConfigureAwait(false))
            {
                var progress = new ProgressReporter(context, "send", length ?? 0);
                using var content = new StreamContent(new ProgressStream(body, progress), 64 * 1024);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Headers.ContentLength = length;
                using var answer = await api.SendJsonAsync(HttpMethod.Post, "v1/messages?" + string.Join('&', query), content, cancellationToken,
                    result.GetValue(idempotencyKey)).ConfigureAwait(false);
                progress.Finish();
                Print(context, answer.RootElement, result.GetValue(json));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The body to upload and its length when known; a sealed body is written to a temporary file first.</summary>
    private static void Print(CliContext context, System.Text.Json.JsonElement answer, bool json)
    {
        if (json)
        {
            CliJson.Write(context, answer);
            return;
        }

        if (answer.TryGetProperty("reference", out var reference))
        {
            context.Out.Write("reference ");
            Print(context, reference, json: false);
        }

        context.Out.WriteLine($"message {answer.GetProperty("messageId").GetString()} ({answer.GetProperty("size").GetInt64()} bytes, expires {answer.GetProperty("expires").GetString()})");
        foreach (var delivery in answer.GetProperty("deliveries").EnumerateArray())
        {
            context.Out.WriteLine($"  delivery {delivery.GetProperty("deliveryId").GetString()} to {delivery.GetProperty("to").GetString()}");
        }
    }
}
