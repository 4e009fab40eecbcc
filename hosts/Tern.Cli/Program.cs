using Tern.Cli;
using Tern.Transports.Fetch;

// Before any socket exists: the runtime reads this once (see SocketCompletions).
SocketCompletions.PreferInline();

return await TernCli.RunAsync(args, CliContext.FromConsole()).ConfigureAwait(false);
