using System.CommandLine;
using System.Globalization;
using Tern.Cli.Client;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern events [--after C] [--follow] [--count N] [--json]</c>: the user's event log (docs/C2S.md §15), the changes
/// every device of the user sees in the same order: after a cursor, then with <c>--follow</c> as the node pushes them
/// (SSE, resumed after a cut or a dropped connection with <c>Last-Event-ID</c>).
/// </summary>
internal static class EventsCommand
{
    public static Command Create(CliContext context)
    {
        var after = new Option<string>("--after") { Description = "Show the events after this sequence (a cursor from an earlier run). Defaults to the oldest the node keeps.", HelpName = "sequence" };
        after.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && !ulong.TryParse(result.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                result.AddError($"--after '{result.Tokens[0].Value}': a sequence is a whole number");
            }
        });
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep running and print events as they happen (server push)." };
        var count = new Option<int?>("--count") { Description = "Stop after this many events (with --follow: for scripts).", HelpName = "n" };
        count.Validators.Add(result => ClientArguments.CheckRange(result, "--count", 1, int.MaxValue));
        var json = new Option<bool>("--json") { Description = "Print each event as the node's JSON, one a line." };
        var settings = new ClientSettings();
        var command = new Command("events", """
            Your event log: what arrived, was pulled, retracted, expired, deleted or relabelled, your deliveries' changes,
            key, hash, device and policy changes, in the order every device of yours sees them. Each line starts with the
            event's sequence: pass the last one as --after to carry on from there. Standard error ends with 'next <cursor>'.
            Exit 1 with a message when the node no longer holds the events after --after (older than its retention):
            list your messages again ('tern stored') and follow from the cursor it names.
            Examples:
              tern events
              tern events --after 120 --json
              tern events --follow
            """)
        {
            after, follow, count, json,
        };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            var limit = result.GetValue(count) ?? int.MaxValue;
            var printed = 0;
            var asJson = result.GetValue(json);
            var follower = new EventFollower(api, e =>
            {
                if (printed < limit)
                {
                    EventPrinter.Print(context, e, asJson);
                    context.Out.Flush();
                    printed++;
                }
            });
            var given = result.GetValue(after);
            var cursor = given is null ? 0 : ulong.Parse(given, CultureInfo.InvariantCulture);
            try
            {
                try
                {
                    await follower.CatchUpAsync(cursor, cancellationToken).ConfigureAwait(false);
                }
                catch (CursorExpiredException expired) when (given is null)
                {
                    // No cursor asked for: start at the oldest event the node keeps.
                    await follower.CatchUpAsync(expired.Oldest, cancellationToken).ConfigureAwait(false);
                }

                if (result.GetValue(follow))
                {
                    await follower.FollowAsync(() => printed >= limit, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (CursorExpiredException expired)
            {
                throw new CliException($"the node no longer keeps the events after {follower.Cursor} ({expired.Message}): list your messages again ('tern stored') and follow from {expired.Oldest}", ExitCodes.Error);
            }
            finally
            {
                context.Error.WriteLine($"next {follower.Cursor.ToString(CultureInfo.InvariantCulture)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
