using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Tern.Admin;
using Tern.Cli.Client;
using Tern.Node;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern admin …</c>: the running node's admin API (docs/OPERATIONS.md, "The admin API") from the same machine. The
/// listener comes from <c>state/ports.json</c> (or <c>--admin</c>), the token from <c>keys/admin.token</c>; each
/// subcommand prints the node's JSON answer, and a refusal its problem's detail.
/// </summary>
internal static class AdminCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("admin", "The running node's admin API: health, stats, economics, inspection, blocks, preferences, reload, contacts (docs/OPERATIONS.md).");
        command.Subcommands.Add(TokenCommand(context));
        command.Subcommands.Add(Get(context, "health", "Readiness: ready, or not-ready and why (exit 1 when not ready).", "admin/v1/health/ready"));
        command.Subcommands.Add(Get(context, "stats", "The node's counters: datagrams, drops by reason, store sizes, pulls.", "admin/v1/stats"));
        command.Subcommands.Add(Get(context, "economics", "What each account and each peer domain costs this node.", "admin/v1/economics"));
        command.Subcommands.Add(Get(context, "blocks", "The blocked sender domains and the records dropped for each.", "admin/v1/blocks"));
        command.Subcommands.Add(Transit(context));
        command.Subcommands.Add(Pending(context));
        command.Subcommands.Add(Expiring(context));
        command.Subcommands.Add(Domain(context, "block", "Drop notifications from a sender domain, from its next datagram on.\nExample: tern admin block spam.example", HttpMethod.Put));
        command.Subcommands.Add(Domain(context, "unblock", "Lift a domain's block.\nExample: tern admin unblock spam.example", HttpMethod.Delete));
        command.Subcommands.Add(Preference(context));
        command.Subcommands.Add(Send(context, "reload", "Read the configuration again: Logging and blocks.txt apply at once; lists the Tern:* keys that need a restart.",
            HttpMethod.Post, "admin/v1/config/reload"));
        command.Subcommands.Add(RotateKeys(context));
        command.Subcommands.Add(Contacts(context));
        return command;
    }

    private static Command TokenCommand(CliContext context)
    {
        var dataDirectory = CommonOptions.DataDirectory(required: false);
        var command = new Command("token", "Print the admin token (keys/admin.token) for other tools.\nExample: curl -H \"Authorization: Bearer $(tern admin token)\" …") { dataDirectory };
        command.SetAction(result =>
        {
            var directory = Path.GetFullPath(result.GetRequiredValue(dataDirectory));
            context.Out.WriteLine(AdminToken.Read(directory) ?? throw new CliException($"{TernDataDirectory.AdminTokenFile(directory)} does not exist: `tern init` or the node's first start writes it", ExitCodes.NotFound));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(CliContext context, string name, string description, string path) => Send(context, name, description, HttpMethod.Get, path);

    private static Command Send(CliContext context, string name, string description, HttpMethod method, string path)
    {
        var (dataDirectory, admin) = Connection();
        var command = new Command(name, description) { dataDirectory, admin };
        command.SetAction((result, cancellationToken) => CallAsync(context, result, dataDirectory, admin, method, path, null, cancellationToken));
        return command;
    }

    private static Command RotateKeys(CliContext context)
    {
        var (dataDirectory, admin) = Connection();
        var overlap = new Option<string>("--overlap") { Description = "How long the old keys stay accepted: 7d, 36h, 90m… (longer than the descriptor's validity).", Required = true };
        overlap.Validators.Add(result =>
        {
            if (!KeyRotationOverlap.TryParse(result.GetValueOrDefault<string>(), out _))
            {
                result.AddError("--overlap must be a window of 1 second to 30 days, e.g. 7d, 36h or 90m");
            }
        });
        var command = new Command("rotate-keys", """
            Rotate the domain's keys on the running node (docs/OPERATIONS.md, "Rotating the domain's keys"): a new key set
            signs the descriptor at once, the old one is accepted until the overlap ends. Prints the DNS TXT to publish.
            Example: tern admin rotate-keys --overlap 7d
            """) { dataDirectory, admin, overlap };
        command.SetAction((result, cancellationToken) => CallAsync(context, result, dataDirectory, admin, HttpMethod.Post,
            "admin/v1/keys/rotate" + Query(("overlap", result.GetValue(overlap))), null, cancellationToken));
        return command;
    }

    private static Command Contacts(CliContext context)
    {
        var command = new Command("contacts", "A gateway's contact plan (docs/OPERATIONS.md, \"Contact plans\"): show it per contact, or load a new one.");
        command.Subcommands.Add(Get(context, "show", "Per contact: its windows now and next, bytes held, bytes near expiry, receipts outstanding, planned against actual link use today.",
            "admin/v1/contacts"));

        var (dataDirectory, admin) = Connection();
        var file = new Argument<string>("plan.json") { Description = "The plan file (JSON): validated whole by the node, written to its plan file and in force at once." };
        var load = new Command("load", "Replace the contact plan without a restart; a plan refused leaves the old one in force.\nExample: tern admin contacts load plan.json")
        {
            file, dataDirectory, admin,
        };
        load.SetAction((result, cancellationToken) =>
        {
            var path = Path.GetFullPath(result.GetRequiredValue(file));
            if (!File.Exists(path))
            {
                throw new CliException($"{path} does not exist", ExitCodes.NotFound);
            }

            var content = new ByteArrayContent(File.ReadAllBytes(path));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return CallAsync(context, result, dataDirectory, admin, HttpMethod.Put, "admin/v1/contacts", content, cancellationToken);
        });
        command.Subcommands.Add(load);
        return command;
    }

    private static Command Transit(CliContext context)
    {
        var (dataDirectory, admin) = Connection();
        var after = new Option<string>("--after") { Description = "The 'next' of the previous page." };
        var limit = new Option<int?>("--limit") { Description = $"Items a page (1 to {AdminOptions.MaxPageLimit})." };
        var command = new Command("transit", "A page of the transit store's blobs: metadata only.\nExample: tern admin transit --limit 50") { dataDirectory, admin, after, limit };
        command.SetAction((result, cancellationToken) => CallAsync(context, result, dataDirectory, admin, HttpMethod.Get,
            "admin/v1/transit" + Query(("after", result.GetValue(after)), ("limit", result.GetValue(limit)?.ToString(System.Globalization.CultureInfo.InvariantCulture))), null, cancellationToken));
        return command;
    }

    private static Command Pending(CliContext context)
    {
        var (dataDirectory, admin) = Connection();
        var hash = new Argument<string>("recipient-hash") { Description = "A recipient hash: its references; without it, the table's size per sender domain.", Arity = ArgumentArity.ZeroOrOne };
        var after = new Option<string>("--after") { Description = "The 'next' of the previous page." };
        var limit = new Option<int?>("--limit") { Description = $"Items a page (1 to {AdminOptions.MaxPageLimit})." };
        var command = new Command("pending", "The pending table: per sender domain, or one recipient hash's references (metadata only).") { hash, dataDirectory, admin, after, limit };
        command.SetAction((result, cancellationToken) => CallAsync(context, result, dataDirectory, admin, HttpMethod.Get,
            (result.GetValue(hash) is { } h ? $"admin/v1/pending/{Uri.EscapeDataString(h)}" : "admin/v1/pending")
                + Query(("after", result.GetValue(after)), ("limit", result.GetValue(limit)?.ToString(System.Globalization.CultureInfo.InvariantCulture))), null, cancellationToken));
        return command;
    }

    private static Command Expiring(CliContext context)
    {
        var (dataDirectory, admin) = Connection();
        var before = new Option<string>("--before") { Description = "An RFC 3339 instant, e.g. 2026-12-07T00:00:00Z.", Required = true };
        var command = new Command("expiring", "Per destination, the unfetched deliveries and bytes that expire before an instant.") { dataDirectory, admin, before };
        command.SetAction((result, cancellationToken) => CallAsync(context, result, dataDirectory, admin, HttpMethod.Get,
            "admin/v1/expiring" + Query(("before", result.GetValue(before))), null, cancellationToken));
        return command;
    }

    private static Command Domain(CliContext context, string name, string description, HttpMethod method)
    {
        var (dataDirectory, admin) = Connection();
        var domain = new Argument<string>("domain") { Description = "The sender domain." };
        var command = new Command(name, description) { domain, dataDirectory, admin };
        command.SetAction((result, cancellationToken) => CallAsync(context, result, dataDirectory, admin, method,
            $"admin/v1/blocks/{Uri.EscapeDataString(result.GetRequiredValue(domain))}", null, cancellationToken));
        return command;
    }

    private static Command Preference(CliContext context)
    {
        var (dataDirectory, admin) = Connection();
        var hash = new Argument<string>("recipient-hash") { Description = "The recipient hash." };
        var domain = new Argument<string>("sender-domain") { Description = "The sender domain." };
        var set = new Option<string>("--set") { Description = "whenRequested, immediately or ignore: set it (until the node stops) instead of showing it." };
        var command = new Command("preference", "Show (or --set) the pull preference the ingest applies to a sender's notifications for a recipient hash.")
        {
            hash, domain, dataDirectory, admin, set,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var (h, d) = (result.GetRequiredValue(hash), result.GetRequiredValue(domain));
            return result.GetValue(set) is { } value
                ? CallAsync(context, result, dataDirectory, admin, HttpMethod.Put, "admin/v1/preferences",
                    JsonContent.Create(new Dictionary<string, string> { ["recipientHash"] = h, ["senderDomain"] = d, ["preference"] = value }), cancellationToken)
                : CallAsync(context, result, dataDirectory, admin, HttpMethod.Get, "admin/v1/preferences" + Query(("recipientHash", h), ("senderDomain", d)), null, cancellationToken);
        });
        return command;
    }

    private static (Option<string> DataDirectory, Option<string> Admin) Connection() =>
        (CommonOptions.DataDirectory(required: false), new Option<string>("--admin") { Description = "The admin listener, host:port (default: the running node's, from state/ports.json).", HelpName = "host:port" });

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? "" : "?" + string.Join('&', given);
    }

    private static async Task<int> CallAsync(CliContext context, ParseResult result, Option<string> dataDirectory, Option<string> adminOption, HttpMethod method, string path,
        HttpContent? content, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(result.GetRequiredValue(dataDirectory));
        var token = AdminToken.Read(directory) ?? throw new CliException($"{TernDataDirectory.AdminTokenFile(directory)} does not exist: is {directory} a node's data directory?", ExitCodes.NotFound);
        var listener = result.GetValue(adminOption) ?? Listener(directory);
        using var api = new TernApi(new Uri($"http://{listener}/"), token);
        using var answer = await api.SendJsonAsync(method, path, content, cancellationToken).ConfigureAwait(false);
        context.Out.WriteLine(JsonSerializer.Serialize(answer.RootElement, Indented));
        return path.EndsWith("health/ready", StringComparison.Ordinal) && answer.RootElement.GetProperty("status").GetString() != "ready" ? ExitCodes.Error : ExitCodes.Ok;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static string Listener(string directory)
    {
        var file = TernDataDirectory.PortsFile(directory);
        if (!File.Exists(file))
        {
            throw new CliException($"{file} does not exist: the node is not running (or give --admin host:port)", ExitCodes.Error);
        }

        var ports = JsonSerializer.Deserialize(File.ReadAllBytes(file), NodePortsJson.Default.NodePorts);
        return ports?.Admin ?? throw new CliException($"the node running from {directory} has no admin listener (Tern:Admin:Listen is empty)", ExitCodes.Error);
    }
}
