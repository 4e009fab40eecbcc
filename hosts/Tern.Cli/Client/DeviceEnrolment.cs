using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tern.Cli.Client;

/// <summary>
/// Enrolling this machine as a device of the user (docs/C2S.md §5, <c>POST /v1/devices</c>): with a one-time code (from
/// <c>tern devices code</c> on an enrolled device, or the operator) or with the user's address and password. The options
/// are shared by <c>tern login</c> and <c>tern devices enrol</c>.
/// </summary>
internal sealed class DeviceEnrolment
{
    public Option<string> Code { get; } = new("--code") { Description = "A one-time enrolment code ('tern devices code' on a device you already use, or from your operator).", HelpName = "code" };

    public Option<string> Address { get; } = new("--address") { Description = "Your address, to enrol with your password instead of a code.", HelpName = "local@domain" };

    public Option<bool> PasswordStdin { get; } = new("--password-stdin") { Description = "Read the password from the first line of standard input (else TERN_PASSWORD)." };

    public Option<string> Name { get; } = new("--name") { Description = "What to call this device in 'tern devices list'. Defaults to the host name.", HelpName = "name" };

    public Option<string> Kind { get; } = new("--kind") { Description = "native (everything, the default), gateway (a mail bridge) or minimal (references and stored messages).", HelpName = "kind" };

    public DeviceEnrolment() => Kind.AcceptOnlyFromAmong("native", "gateway", "minimal");

    public void AddTo(Command command)
    {
        command.Add(Code);
        command.Add(Address);
        command.Add(PasswordStdin);
        command.Add(Name);
        command.Add(Kind);
    }

    /// <summary>Whether the command line asks for a device (a code or an address) rather than an operator token.</summary>
    public bool Requested(ParseResult result) => result.GetValue(Code) is not null || result.GetValue(Address) is not null;

    /// <summary>Enrols at <paramref name="server"/>: the node's answer, <c>{"deviceId", "deviceToken", "name", "kind"}</c>.</summary>
    public async Task<JsonDocument> EnrolAsync(CliContext context, ParseResult result, Uri server, CancellationToken cancellationToken)
    {
        var code = result.GetValue(Code);
        var address = result.GetValue(Address);
        if ((code is null) == (address is null))
        {
            throw new CliException("give either --code or --address (with the password on standard input or in TERN_PASSWORD)", ExitCodes.Usage);
        }

        var body = new Dictionary<string, string>
        {
            ["name"] = result.GetValue(Name) ?? Environment.MachineName,
            ["kind"] = result.GetValue(Kind) ?? "native",
        };
        if (code is not null)
        {
            body["code"] = code;
        }
        else
        {
            body["address"] = address!;
            body["password"] = ReadPassword(context, result.GetValue(PasswordStdin));
        }

        using var http = new HttpClient { BaseAddress = server };
        using var response = await http.PostAsJsonAsync("v1/devices", body, cancellationToken).ConfigureAwait(false);
        await TernApi.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static string ReadPassword(CliContext context, bool stdin)
    {
        if (stdin)
        {
            using var reader = new StreamReader(context.OpenStandardInput());
            return reader.ReadLine() is { Length: > 0 } line ? line : throw new CliException("--password-stdin: standard input has no password line", ExitCodes.Usage);
        }

        return context.Environment("TERN_PASSWORD") is { Length: > 0 } password
            ? password
            : throw new CliException("--address needs a password: --password-stdin, or TERN_PASSWORD", ExitCodes.Usage);
    }
}
