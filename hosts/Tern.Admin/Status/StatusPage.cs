using System.Security.Cryptography;
using System.Text;

namespace Tern.Admin.Status;

/// <summary>
/// The status page (docs/ARCHITECTURE.md §7): one HTML document embedded in this assembly, its script and style inline,
/// served with a Content-Security-Policy that admits that script and style by their hashes and lets the page reach
/// nothing but this listener — no external asset can load, and nothing injected can run.
/// </summary>
internal sealed class StatusPage
{
    private const string Resource = "Tern.Admin.Status.status.html";

    private StatusPage(byte[] html, string policy)
    {
        Html = html;
        Policy = policy;
    }

    /// <summary>The document, UTF-8.</summary>
    public byte[] Html { get; }

    /// <summary>The <c>Content-Security-Policy</c> it is served with.</summary>
    public string Policy { get; }

    public static StatusPage Load()
    {
        using var stream = typeof(StatusPage).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The status page ({Resource}) is not embedded in {typeof(StatusPage).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        var policy = $"default-src 'none'; script-src {Hash(text, "script")}; style-src {Hash(text, "style")}; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        return new StatusPage(Encoding.UTF8.GetBytes(text), policy);
    }

    /// <summary>The CSP source for the one inline <paramref name="element"/> of the page: the SHA-256 of its exact content.</summary>
    private static string Hash(string html, string element)
    {
        var open = $"<{element}>";
        var start = html.IndexOf(open, StringComparison.Ordinal) + open.Length;
        var end = html.IndexOf($"</{element}>", start, StringComparison.Ordinal);
        if (start < open.Length || end < 0 || html.IndexOf(open, end, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"The status page must have exactly one inline <{element}>.");
        }

        return $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(html[start..end])))}'";
    }
}
