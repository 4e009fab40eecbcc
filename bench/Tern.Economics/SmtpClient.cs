using System.Net.Sockets;
using System.Text;

namespace Tern.Economics;

/// <summary>
/// A minimal SMTP client (RFC 5321) for the baseline: one connection, EHLO, then messages of up to 1000 RCPT TO each,
/// every reply read and checked before the next command (no pipelining).
/// </summary>
internal sealed class SmtpClient : IDisposable
{
    private readonly TcpClient _client;
    private readonly StreamReader _reader;
    private readonly Stream _stream;

    private SmtpClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, Encoding.ASCII);
    }

    public long BytesSent { get; private set; }

    public static async Task<SmtpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port).ConfigureAwait(false);
        var smtp = new SmtpClient(client);
        await smtp.ExpectAsync(220).ConfigureAwait(false);
        await smtp.CommandAsync("EHLO bulk.spam.example", 250).ConfigureAwait(false);
        return smtp;
    }

    /// <summary>Sends <paramref name="message"/> (CRLF lines, already dot-safe) to <paramref name="recipients"/>.</summary>
    public async Task SendAsync(string from, IEnumerable<string> recipients, byte[] message)
    {
        await CommandAsync($"MAIL FROM:<{from}>", 250).ConfigureAwait(false);
        foreach (var recipient in recipients)
        {
            await CommandAsync($"RCPT TO:<{recipient}>", 250).ConfigureAwait(false);
        }

        await CommandAsync("DATA", 354).ConfigureAwait(false);
        await _stream.WriteAsync(message).ConfigureAwait(false);
        BytesSent += message.Length;
        await CommandAsync(".", 250).ConfigureAwait(false);
    }

    /// <summary>A campaign message: headers and <paramref name="bodyBytes"/> random bytes as base64 lines of 76.</summary>
    public static byte[] Message(int bodyBytes)
    {
        var body = new byte[bodyBytes];
        Random.Shared.NextBytes(body);
        var text = new StringBuilder();
        text.Append("From: bulk@spam.example\r\nTo: undisclosed-recipients:;\r\nSubject: Offer\r\nMIME-Version: 1.0\r\n");
        text.Append("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        var encoded = Convert.ToBase64String(body);
        for (var i = 0; i < encoded.Length; i += 76)
        {
            text.Append(encoded.AsSpan(i, Math.Min(76, encoded.Length - i))).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    public void Dispose()
    {
        _reader.Dispose();
        _client.Dispose();
    }

    private async Task CommandAsync(string command, int expected)
    {
        var line = Encoding.ASCII.GetBytes(command + "\r\n");
        await _stream.WriteAsync(line).ConfigureAwait(false);
        BytesSent += line.Length;
        await ExpectAsync(expected).ConfigureAwait(false);
    }

    private async Task ExpectAsync(int expected)
    {
        while (await _reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line.Length < 4 || !line.StartsWith(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"SMTP: expected {expected}, got {line}");
            }

            if (line[3] == ' ')
            {
                return;
            }
        }

        throw new InvalidOperationException("SMTP: connection closed");
    }
}
