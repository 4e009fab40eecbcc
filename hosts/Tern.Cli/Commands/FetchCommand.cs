using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using Tern.Cli.Client;
using Tern.Cli.Envelopes;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern fetch</c>: reads a message your node pulled for you (GET /v1/stored/{id}) to a file or standard output,
/// whole, a byte range, or resuming a cut download; <c>--open-with</c> unseals what was sealed to you.
/// </summary>
internal static class FetchCommand
{
    public static Command Create(CliContext context)
    {
        var id = ClientArguments.Identifier("id", "The stored message: the capability 'tern poll' printed.");
        var output = new Option<string>("--out", "-o") { Description = "Write to this file (default standard output).", HelpName = "file" };
        var range = new Option<string>("--range") { Description = "Only bytes first-last (or first- to the end), counted from 0.", HelpName = "first-last" };
        range.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && ParseRange(result.Tokens[0].Value) is null)
            {
                result.AddError($"--range '{result.Tokens[0].Value}': give first-last or first- (whole numbers, first <= last)");
            }
        });
        var resume = new Option<bool>("--resume") { Description = "Continue a download cut short: fetch only what --out does not hold yet." };
        var openWith = new Option<string>("--open-with")
        {
            Description = "Verify the sender's signed envelope (docs/C2S.md §16) and unseal with this user key file (from 'tern keys new'); a message that fails is not shown.",
            HelpName = "key-file",
        };
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("fetch", """
            Read a message your node pulled for you.
            Examples:
              tern fetch <id> --out report.pdf
              tern fetch <id> --out big.iso --resume
              tern fetch <id> --open-with bob.key > letter.txt
            """)
        {
            id, output, range, resume, openWith, json,
        };
        settings.AddTo(command);
        command.Validators.Add(result =>
        {
            var hasOut = result.GetResult(output) is not null;
            if (result.GetValue(resume) && !hasOut)
            {
                result.AddError("--resume needs --out (the file to continue)");
            }

            if (result.GetValue(resume) && result.GetResult(range) is not null)
            {
                result.AddError("--resume and --range do not go together");
            }

            if (result.GetResult(openWith) is not null && (result.GetValue(resume) || result.GetResult(range) is not null))
            {
                result.AddError("--open-with opens a whole message: not with --range or --resume");
            }

            if (result.GetValue(json) && !hasOut)
            {
                result.AddError("--json describes the file written: it needs --out");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            var path = result.GetValue(output);
            if (result.GetValue(openWith) is { } keyFile)
            {
                var opened = await OpenedMessage.FetchAsync(context, api, result.GetRequiredValue(id), keyFile, path, cancellationToken).ConfigureAwait(false);
                if (path is not null)
                {
                    Report(context, path, opened, result.GetValue(json));
                }

                return ExitCodes.Ok;
            }

            long start = 0;
            RangeHeaderValue? header = null;
            if (result.GetValue(range) is { } text)
            {
                var (first, last) = ParseRange(text)!.Value;
                header = new RangeHeaderValue(first, last);
            }
            else if (result.GetValue(resume) && File.Exists(path))
            {
                start = new FileInfo(path!).Length;
                header = start > 0 ? new RangeHeaderValue(start, null) : null;
            }

            using var response = await api.GetStreamAsync($"v1/stored/{result.GetRequiredValue(id)}", header, cancellationToken).ConfigureAwait(false);
            var length = response.Content.Headers.ContentLength ?? 0;
            var progress = new ProgressReporter(context, "fetch", start + length, start);
            var body = new ProgressStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), progress);
            await using (body.ConfigureAwait(false))
            {
                var written = await WriteAsync(context, body, path, append: start > 0, cancellationToken).ConfigureAwait(false);
                progress.Finish();
                if (path is not null)
                {
                    Report(context, path, written, result.GetValue(json));
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Writes the body; a new file appears only once complete (and opened, with a key), under its name.</summary>
    /// <summary>Copies <paramref name="body"/> to <paramref name="path"/> (through a .part file unless appending) or standard output.</summary>
    public static async Task<long> WriteAsync(CliContext context, Stream body, string? path, bool append, CancellationToken cancellationToken,
        Func<Stream, Stream, CancellationToken, Task>? copy = null)
    {
        if (path is null)
        {
            var standardOutput = context.OpenStandardOutput();
            await using (standardOutput.ConfigureAwait(false))
            {
                return await CopyAsync(body, standardOutput, copy, cancellationToken).ConfigureAwait(false);
            }
        }

        if (append)
        {
            // Resuming appends to what is there: the part already written stays if this one is cut too.
            var existing = new FileStream(path, FileMode.Append, FileAccess.Write);
            await using (existing.ConfigureAwait(false))
            {
                return await CopyAsync(body, existing, copy, cancellationToken).ConfigureAwait(false);
            }
        }

        var partial = path + ".part";
        long count;
        try
        {
            var file = new FileStream(partial, FileMode.Create, FileAccess.Write);
            await using (file.ConfigureAwait(false))
            {
                count = await CopyAsync(body, file, copy, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (CliException)
        {
            // A refused copy (a payload that stopped decrypting) leaves nothing behind under either name.
            File.Delete(partial);
            throw;
        }

        File.Move(partial, path, overwrite: true);
        return count;
    }

    private static async Task<long> CopyAsync(Stream body, Stream destination, Func<Stream, Stream, CancellationToken, Task>? copy, CancellationToken cancellationToken)
    {
        var before = destination.CanSeek ? destination.Position : 0;
        if (copy is null)
        {
            await body.CopyToAsync(destination, 64 * 1024, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await copy(body, destination, cancellationToken).ConfigureAwait(false);
        }

        return destination.CanSeek ? destination.Position - before : 0;
    }

    private static void Report(CliContext context, string path, long written, bool json)
    {
        if (json)
        {
            CliJson.Write(context, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("path", Path.GetFullPath(path));
                writer.WriteNumber("bytesWritten", written);
                writer.WriteNumber("size", new FileInfo(path).Length);
                writer.WriteEndObject();
            });
            return;
        }

        context.Out.WriteLine($"wrote {written} bytes to {path}");
    }

    private static (long First, long? Last)? ParseRange(string text)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var first))
        {
            return null;
        }

        if (dash == text.Length - 1)
        {
            return (first, null);
        }

        return long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var last) && last >= first ? (first, last) : null;
    }
}
