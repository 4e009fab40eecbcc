using System.Text;
using System.Text.Json;

namespace Tern.Cli.Tests;

/// <summary>Runs <c>tern</c> in-process with its own output, error, environment and home directory.</summary>
internal sealed class CliRun
{
    private readonly Dictionary<string, string?> _environment;

    public CliRun(string home, IDictionary<string, string?>? environment = null)
    {
        _environment = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>(), StringComparer.Ordinal)
        {
            ["HOME"] = home,
            ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
        };
    }

    public static async Task<Result> InvokeAsync(string home, params string[] args) => await new CliRun(home).RunAsync(args);

    public async Task<Result> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var standardOutput = new MemoryStream();
        var context = new CliContext
        {
            Out = output,
            Error = error,
            Environment = name => _environment.TryGetValue(name, out var value) ? value : null,
            OpenStandardInput = () => new MemoryStream(StandardInput),
            OpenStandardOutput = () => new NonClosing(standardOutput),
        };
        var code = await TernCli.RunAsync(args, context);
        return new Result(code, output.ToString(), error.ToString(), standardOutput.ToArray());
    }

    public byte[] StandardInput { get; set; } = [];

    public sealed record Result(int ExitCode, string Output, string Error, byte[] StandardOutput)
    {
        public JsonElement Json()
        {
            Assert.True(ExitCode == 0, $"exit {ExitCode}: {Error}");
            using var document = JsonDocument.Parse(Output);
            return document.RootElement.Clone();
        }

        public string Text => Encoding.UTF8.GetString(StandardOutput);
    }

    /// <summary>Standard output as the command sees it: disposing it leaves the bytes to read.</summary>
    private sealed class NonClosing(Stream inner) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    }
}
