using System.CommandLine;
using Tern.Cli.Client;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern login</c>: with <c>--code</c> or <c>--address</c>, enrols this machine as a device of the user (docs/C2S.md §5)
/// and saves its device token, from which the client commands open session tokens; with <c>--token</c>, checks an
/// operator's token. Either way the server and the credential go to the client configuration.
/// </summary>
internal static class LoginCommand
{
    public static Command Create(CliContext context)
    {
        var server = new Option<string>("--server") { Description = "The node's client API, e.g. http://127.0.0.1:7480.", Required = true, HelpName = "url" };
        var token = new Option<string>("--token") { Description = "A token 'tern user add' printed for you (instead of enrolling a device).", HelpName = "token" };
        var enrolment = new DeviceEnrolment();
        var json = CommonOptions.Json();
        var command = new Command("login", """
            Enrol this machine as one of your devices (with a one-time code, or your address and password) and save its
            device token to ~/.config/tern/client.json (0600): the client commands then open short-lived session tokens
            with it, renewed as they expire, and 'tern devices revoke' ends it. With --token, check and save an operator's
            token instead.
            Examples:
              tern login --server https://mail.example:7480 --code <code from 'tern devices code'> --name laptop
              echo "$PASSWORD" | tern login --server https://mail.example:7480 --address bob@b.example --password-stdin
              tern login --server http://127.0.0.1:7480 --token tern_...
            """)
        {
            server, token, json,
        };
        enrolment.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var url = ClientSettings.ParseServer(result.GetRequiredValue(server), "--server");
            ClientConfigFile.Contents contents;
            TernApi api;
            if (result.GetValue(token) is { } operatorToken)
            {
                if (enrolment.Requested(result))
                {
                    throw new CliException("give --token, or --code or --address to enrol a device, not both", ExitCodes.Usage);
                }

                contents = new ClientConfigFile.Contents(url.ToString(), operatorToken);
                api = new TernApi(url, operatorToken);
            }
            else if (enrolment.Requested(result))
            {
                using var enrolled = await enrolment.EnrolAsync(context, result, url, cancellationToken).ConfigureAwait(false);
                var device = enrolled.RootElement.GetProperty("deviceToken").GetString()!;
                contents = new ClientConfigFile.Contents(url.ToString(), "") { DeviceToken = device, DeviceId = enrolled.RootElement.GetProperty("deviceId").GetString() };
                api = new TernApi(url, new DeviceSessions(context, url, device, saved: null, save: false));
            }
            else
            {
                throw new CliException("give --code or --address to enrol this machine, or --token for an operator's token", ExitCodes.Usage);
            }

            using (api)
            {
                using var me = await api.GetJsonAsync("v1/me", cancellationToken).ConfigureAwait(false);
                var path = ClientConfigFile.Write(context, contents);
                if (result.GetValue(json))
                {
                    CliJson.Write(context, me.RootElement);
                }
                else
                {
                    var device = contents.DeviceId is { } id ? $" on device {id}" : "";
                    context.Out.WriteLine($"logged in as {me.RootElement.GetProperty("name").GetString()} <{me.RootElement.GetProperty("address").GetString()}>{device}; saved to {path}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
