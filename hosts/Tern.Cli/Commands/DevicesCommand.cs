using System.CommandLine;
using Tern.Cli.Client;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern devices list|code|enrol|revoke</c>: the user's devices (docs/C2S.md §5): list them, mint a one-time code for
/// a new one, enrol one with a code or the password (printing its device token), revoke one (its token and sessions
/// end at their next request).
/// </summary>
internal static class DevicesCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("devices", """
            Your devices: list them, mint a one-time code to enrol a new one, enrol one, revoke one.
            Examples:
              tern devices list
              tern devices code                      # then on the new machine: tern login --server URL --code <code>
              tern devices enrol --server URL --code <code> --name phone --json
              tern devices revoke <device-id>
            """);
        command.Add(List(context));
        command.Add(Code(context));
        command.Add(Enrol(context));
        command.Add(Revoke(context));
        return command;
    }

    private static Command List(CliContext context)
    {
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("list", "Your devices: id, kind, name, when enrolled; '*' marks this one, 'revoked' the ended ones.") { json };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            using var list = await api.GetJsonAsync("v1/devices", cancellationToken).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                CliJson.Write(context, list.RootElement);
                return ExitCodes.Ok;
            }

            foreach (var device in list.RootElement.GetProperty("devices").EnumerateArray())
            {
                var current = device.TryGetProperty("current", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.True ? "*" : " ";
                var revoked = device.TryGetProperty("revoked", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.True ? "\trevoked" : "";
                context.Out.WriteLine($"{current} {device.GetProperty("deviceId").GetString()}\t{device.GetProperty("kind").GetString()}\t{device.GetProperty("name").GetString()}\tenrolled {device.GetProperty("created").GetString()}{revoked}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Code(CliContext context)
    {
        var json = CommonOptions.Json();
        var settings = new ClientSettings();
        var command = new Command("code", "A one-time code another machine enrols with ('tern login --code'), valid 15 minutes.") { json };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            using var issued = await api.SendJsonAsync(HttpMethod.Post, "v1/devices/codes", null, cancellationToken).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                CliJson.Write(context, issued.RootElement);
            }
            else
            {
                context.Out.WriteLine($"{issued.RootElement.GetProperty("code").GetString()}\t(single use, until {issued.RootElement.GetProperty("expires").GetString()})");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Enrol(CliContext context)
    {
        var server = new Option<string>("--server") { Description = "The node's client API, e.g. http://127.0.0.1:7480.", Required = true, HelpName = "url" };
        var enrolment = new DeviceEnrolment();
        var json = CommonOptions.Json();
        var command = new Command("enrol", """
            Enrol a device and print its device token (once) without saving it: for another program or machine to keep.
            'tern login --code' does the same and saves the token for this machine's client commands.
            """)
        {
            server, json,
        };
        enrolment.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var url = ClientSettings.ParseServer(result.GetRequiredValue(server), "--server");
            using var enrolled = await enrolment.EnrolAsync(context, result, url, cancellationToken).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                CliJson.Write(context, enrolled.RootElement);
            }
            else
            {
                context.Out.WriteLine($"device {enrolled.RootElement.GetProperty("deviceId").GetString()}\ttoken {enrolled.RootElement.GetProperty("deviceToken").GetString()}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var id = new Argument<string>("device-id") { Description = "The device to end (from 'tern devices list'); it may be this one." };
        var settings = new ClientSettings();
        var command = new Command("revoke", "End a device: its token and every session it opened stop working at their next request.") { id };
        settings.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = settings.Connect(context, result);
            var deviceId = result.GetRequiredValue(id);
            await api.SendAsync(HttpMethod.Delete, "v1/devices/" + Uri.EscapeDataString(deviceId), null, cancellationToken).ConfigureAwait(false);
            context.Out.WriteLine($"revoked {deviceId}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
