using System.Net.Http.Headers;
using System.Text.Json;

namespace Tern.Cli.Client;

/// <summary>
/// Session tokens for an enrolled device (docs/C2S.md §5): opened with the device token (<c>POST /v1/sessions</c>),
/// reused from the client configuration while more than a minute of them is left, renewed before they expire and at
/// once when the node answers <c>401 session-expired</c>. The device token itself is sent to that route only.
/// </summary>
internal sealed class DeviceSessions
{
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);
    private readonly CliContext _context;
    private readonly Uri _server;
    private readonly string _deviceToken;
    private readonly bool _save;
    private string? _session;
    private DateTimeOffset _expires;

    /// <summary>
    /// Sessions of <paramref name="deviceToken"/> at <paramref name="server"/>, starting from the one <paramref name="saved"/>
    /// holds if it is this device's; <paramref name="save"/> keeps new ones in the client configuration (false for a
    /// device token given by flag or environment).
    /// </summary>
    public DeviceSessions(CliContext context, Uri server, string deviceToken, ClientConfigFile.Contents? saved, bool save)
    {
        _context = context;
        _server = server;
        _deviceToken = deviceToken;
        _save = save;
        if (saved is { Session: { Length: > 0 } session, SessionExpires: { } expires } && saved.DeviceToken == deviceToken)
        {
            _session = session;
            _expires = expires;
        }
    }

    /// <summary>A session token with more than a minute left, opening one if needed.</summary>
    public async Task<string> CurrentAsync(CancellationToken cancellationToken)
    {
        if (_session is not null && _expires - DateTimeOffset.UtcNow > Margin)
        {
            return _session;
        }

        return await RenewAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a new session with the device token.</summary>
    public async Task<string> RenewAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = _server };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/sessions");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _deviceToken);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await TernApi.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        using var opened = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
        _session = opened.RootElement.GetProperty("sessionToken").GetString()!;
        _expires = opened.RootElement.GetProperty("expires").GetDateTimeOffset();
        if (_save && ClientConfigFile.Read(_context) is { } saved && saved.DeviceToken == _deviceToken)
        {
            ClientConfigFile.Write(_context, saved with { Session = _session, SessionExpires = _expires });
        }

        return _session;
    }
}
