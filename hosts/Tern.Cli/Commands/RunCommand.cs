using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tern.Admin;
using Tern.ClientApi;
using Tern.Node;

namespace Tern.Cli.Commands;

/// <summary>
/// <c>tern run</c>: the node as an operator runs it. Configuration, lowest precedence first: the data directory itself,
/// <c>appsettings.json</c> in it (or <c>--config</c>), environment variables (<c>TERN__NODE__DOMAIN</c> is
/// <c>Tern:Node:Domain</c>), then switches (<c>--Tern:Transit:ChunkSize 65536</c>, or the short ones below).
/// SIGTERM or SIGINT stops it gracefully; it exits 0 once stopped (docs/OPERATIONS.md).
/// </summary>
internal static class RunCommand
{
    /// <summary>The default data directory (deploy/tern.service's StateDirectory).</summary>
    public const string DefaultDataDirectory = "/var/lib/tern";

    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--data-dir"] = "Tern:Node:DataDirectory",
        ["--domain"] = "Tern:Node:Domain",
        ["--notify"] = "Tern:Node:NotifyEndpoint",
        ["--framed"] = "Tern:Node:FramedEndpoint",
        ["--http"] = "Tern:Node:HttpEndpoint",
        ["--client-api"] = "Tern:ClientApi:Listen",
        ["--admin"] = "Tern:Admin:Listen",
        ["--log-format"] = "Logging:Console:FormatterName",
        ["--config"] = "Tern:ConfigFile",
    };

    public static Command Create(IReadOnlyList<string> args)
    {
        var command = new Command("run", """
            Run the node until SIGTERM or SIGINT, then stop gracefully and exit 0 (docs/OPERATIONS.md).
            Any configuration key is a switch too: --Tern:Section:Key value (for example --Tern:Transit:ChunkSize 65536).
            Example: tern run --data-dir /var/lib/tern --log-format json
            """)
        {
            // Declared for --help; the values are read with the rest of the configuration below.
            Switch("--data-dir", "dir", $"The data directory (default {DefaultDataDirectory})."),
            Switch("--config", "file", "The settings file (default appsettings.json in the data directory)."),
            Switch("--domain", "domain", "Tern:Node:Domain."),
            Switch("--notify", "host:port", "Tern:Node:NotifyEndpoint, the UDP notification port."),
            Switch("--framed", "host:port", "Tern:Node:FramedEndpoint, the framed fetch door."),
            Switch("--http", "host:port", "Tern:Node:HttpEndpoint, the HTTP fetch door."),
            Switch("--client-api", "host:port", "Tern:ClientApi:Listen, the client API's listener."),
            Switch("--admin", "host:port", "Tern:Admin:Listen, the admin API's listener."),
            Switch("--log-format", "simple|json", "The console log format."),
        };
        // Configuration switches (--Tern:Section:Key value) are not options of this command: the configuration reads them.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((_, _) => RunAsync([.. args.Skip(1)]));
        return command;
    }

    private static Option<string> Switch(string name, string helpName, string description) =>
        new(name) { Description = description, HelpName = helpName };

    /// <summary>
    /// The settings file, reloaded when it changes, found by polling its time every 4 s. The default watch of a JSON file
    /// is an inotify watch of the file's whole directory tree — here the data directory, where every log append, message
    /// file and rename woke a thread that looked each change up (a dozen a message on a recipient, perf-reports/e2e-notes.md).
    /// </summary>
    private static void AddWatchedSettings(IConfigurationBuilder configuration, string configFile)
    {
        var directory = Path.GetDirectoryName(configFile)!;
        if (!Directory.Exists(directory))
        {
            configuration.AddJsonFile(configFile, optional: true, reloadOnChange: true);
            return;
        }

        configuration.AddJsonFile(source =>
        {
            source.FileProvider = new PhysicalFileProvider(directory) { UsePollingFileWatcher = true, UseActivePolling = true };
            source.Path = Path.GetFileName(configFile);
            source.Optional = true;
            source.ReloadOnChange = true;
        });
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var early = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args, Switches).Build();
        var dataDirectory = Path.GetFullPath(early["Tern:Node:DataDirectory"] ?? DefaultDataDirectory);
        var configFile = early["Tern:ConfigFile"] is { } named ? Path.GetFullPath(named) : Path.Combine(dataDirectory, TernDataDirectory.SettingsFileName);
        if (early["Tern:ConfigFile"] is not null && !File.Exists(configFile))
        {
            throw new CliException($"--config {configFile}: no such file");
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = args });
        builder.Configuration
            .AddInMemoryCollection([new("Tern:Node:DataDirectory", dataDirectory), new("Logging:LogLevel:Default", "Information"),
                new("Logging:LogLevel:Microsoft.AspNetCore", "Warning"), new("Logging:Console:FormatterName", "simple")]);
        try
        {
            // Watched: a change of Tern:WellKnown re-signs the served descriptor without a restart (the other sections are read at start).
            AddWatchedSettings(builder.Configuration, configFile);
        }
        catch (InvalidDataException e)
        {
            // The provider's own message names the file only; the parser's (the innermost exception) says what and where.
            await Console.Error.WriteLineAsync($"tern: refusing to start: configuration file {configFile} is not valid JSON: {e.GetBaseException().Message}").ConfigureAwait(false);
            return 3;
        }

        builder.Configuration
            .AddEnvironmentVariables()
            .AddCommandLine(args, Switches);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddConsole();
        builder.Services.AddSystemd();
        builder.Services.AddTernNode(builder.Configuration);
        builder.Services.AddTernClientApi(builder.Configuration);
        builder.Services.AddTernAdmin(builder.Configuration);

        using var host = builder.Build();
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is TernConfigurationException or Tern.Engine.Discovery.StaticPeersFileException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"tern: refusing to start: {e.Message}").ConfigureAwait(false);
            return e is TernConfigurationException or Tern.Engine.Discovery.StaticPeersFileException ? 3 : 1;
        }

        await host.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }
}
