using System.CommandLine;
using System.Net.Http.Json;
using Tern.Cli.Client;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern prefer</c>: when your node pulls what a sender domain notifies you of (PUT /v1/preferences/{domain}), or
/// <c>--block</c> to discard its notifications (PUT /v1/blocks/{domain}); docs/CLIENT-API.md, Settings.
/// </summary>
internal static class PreferCommand
{
    public static Command Create(CliContext context)
    {
        var domain = new Argument<string>("sender-domain") { Description = "The sender's domain (example.org)." };
        domain.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && !PeersCommand.IsDomain(result.Tokens[0].Value))
            {
                result.AddError($"sender-domain '{result.Tokens[0].Value}': not a domain name");
            }
        });
        var pull = new Option<string>("--pull") { Description = "immediately (pull at once), whenRequested (the default: wait until you fetch) or ignore.", HelpName = "when" };
        pull.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && result.Tokens[0].Value is not ("immediately" or "whenRequested" or "ignore"))
            {
                result.AddError($"--pull '{result.Tokens[0].Value}': immediately, whenRequested or ignore");
            }
        });
        var block = new Option<bool>("--block") { Description = "Discard this domain's notifications to any of your hashes (wins over --pull)." };
        var settings = new ClientSettings();
        var command = new Command("prefer", """
            Set when your node pulls messages from a sender domain, or block the domain.
            Examples:
              tern prefer example.org --pull immediately
              tern prefer spam.example --block
            """)
        {
            domain, pull, block,
        };
        settings.AddTo(command);
        command.Validators.Add(result =>
        {
            if ((result.GetResult(pull) is null) == !result.GetValue(block))
            {
                result.AddError("give one of --pull or --block");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            var name = result.GetRequiredValue(domain);
            if (result.GetValue(block))
            {
                await api.SendAsync(HttpMethod.Put, $"v1/blocks/{Uri.EscapeDataString(name)}", null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var body = JsonContent.Create(new Dictionary<string, string> { ["pull"] = result.GetRequiredValue(pull) });
                await api.SendAsync(HttpMethod.Put, $"v1/preferences/{Uri.EscapeDataString(name)}", body, cancellationToken).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
