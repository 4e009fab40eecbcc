using System.CommandLine;
using System.Net.Http.Headers;
using Tern.Cli.Client;
using Tern.Cli.Sealing;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern send</c>: submits a file or standard input to the node's client API (POST /v1/messages), sealed to the
/// recipient's public key first with <c>--seal-to</c> so the nodes carry only ciphertext.
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
        var to = new Option<string[]>("--to") { Description = "A recipient, <hash>@<domain>; repeat for several.", Required = true, HelpName = "hash@domain" };
        to.Validators.Add(ClientArguments.CheckRecipients);
        var expires = new Option<DateTimeOffset?>("--expires")
        {
            Description = "When the node stops offering it: an RFC 3339 time or a duration (90m, 12h, 7d). Default: the node's (7 days).",
            HelpName = "time|duration",
            CustomParser = ClientArguments.ParseExpiry,
        };
        var mime = new Option<string>("--mime") { Description = "A MIME hint carried in the notification (text/plain).", HelpName = "type" };
        var sealTo = new Option<string>("--seal-to") { Description = "Seal the message to this X25519 public key (a file from 'tern keys new', or its base64) before it leaves.", HelpName = "key" };
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
              echo hello | tern send --to <hash>@example.org --seal-to bob.key.pub --json
            """)
        {
            file, to, expires, mime, sealTo, idempotencyKey, json,
        };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
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
            var (body, length, temporary) = await OpenBodyAsync(context, path, result.GetValue(sealTo), cancellationToken).ConfigureAwait(false);
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

            if (temporary is not null)
            {
                File.Delete(temporary);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The body to upload and its length when known; a sealed body is written to a temporary file first.</summary>
    private static async Task<(Stream Body, long? Length, string? Temporary)> OpenBodyAsync(CliContext context, string? path, string? sealTo, CancellationToken cancellationToken)
    {
        var source = path is null ? context.OpenStandardInput() : File.OpenRead(path);
        if (sealTo is null)
        {
            return (source, path is null ? null : source.Length, null);
        }

        var recipient = UserKeys.ReadPublic(sealTo, "--seal-to");
        var temporary = Path.Combine(Path.GetTempPath(), $"tern-sealed-{Environment.ProcessId}-{Guid.NewGuid():N}");
        await using (source.ConfigureAwait(false))
        {
            var output = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            await using (output.ConfigureAwait(false))
            {
                await SealedFile.SealAsync(source, output, recipient, cancellationToken).ConfigureAwait(false);
            }
        }

        var sealedBody = File.OpenRead(temporary);
        return (sealedBody, sealedBody.Length, temporary);
    }

    private static void Print(CliContext context, System.Text.Json.JsonElement answer, bool json)
    {
        if (json)
        {
            CliJson.Write(context, answer);
            return;
        }

        context.Out.WriteLine($"message {answer.GetProperty("messageId").GetString()} ({answer.GetProperty("size").GetInt64()} bytes, expires {answer.GetProperty("expires").GetString()})");
        foreach (var delivery in answer.GetProperty("deliveries").EnumerateArray())
        {
            context.Out.WriteLine($"  delivery {delivery.GetProperty("deliveryId").GetString()} to {delivery.GetProperty("to").GetString()}");
        }
    }
}
