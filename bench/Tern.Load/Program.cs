using System.Globalization;
using Tern.Load;
using Tern.Load.E2e;

// Load generator (bounded counts and durations, local only). Modes:
//   transit-submit <dir> <seconds> <concurrency> <size> [<blob writes> <journal writes>]
//                                                           durable submissions/s of <size>-byte blobs
//   transit-blob <dir> <megabytes> [<blob writes>]          write MB/s of one blob of <megabytes> MiB
//   fasterlog-raw <dir> <megabytes> [<writes>]              the same bytes through a bare FasterLog (ceiling)
//   page-cache-copy <dir> <slots> <slot MiB>                CPU of copying 1 GiB into the page cache from a ring of that size
//   sync-calls <dir> <count>                                fdatasync/s against fsync/s after 1 KiB appends, alternated
//   slot-writes <dir> <count>                               a commit slot overwritten O_SYNC against O_DSYNC, alternated, each timed
//   (<writes>: direct (the blob logs' default), pagecache (the journal's), pagecache-nowriteback or writethrough, see TransitLogWrites)
//   blake2b <megabytes>                                     BLAKE2b-256 MB/s on one core (the payload hash before the tree)
//   payload-tree <megabytes>                                payload-tree hash MB/s on one core (ceiling)
//   fetch-verify <dir> <megabytes> <pairs>                  a ranged framed fetch without and with chunk verification; checking alone
//   fetch-serve <dir> <count> <size> <bigMiB> <httpPort> <h2cPort> <framedPort> [kestrelHttpPort [httpsPort h2Port framedTlsPort cert.pem key.pem]]   serve blobs on the fetch doors until SIGTERM
//   fetch-framed <port> <capsFile> <seconds> <inflight> [cert.pem]   framed-door fetches/s with <inflight> streams on one connection (over TLS, pinned to cert.pem, when given)
//   e2e <dir> <count> <size>                                submit → notify → pull immediately → stored latency, beside its floor
//   e2e-nodes <dir> <count> <size> <tern.dll>               the same through two `tern run` processes and their client APIs, beside its floor
//   e2e-nodes-ab <dir> <count> <size> <base tern.dll> <head tern.dll>   two such pairs and the floor in alternating blocks (E2E_BASE_ENV / E2E_HEAD_ENV: KEY=VALUE ...)
//   c2s-submit <dir> <seconds> <concurrency> <size> <tern.dll> <wrk script> [<batch>]
//                                                           submissions/s through a `tern run` child's client API, wrk as the client
//                                                           (with <batch>: batches of that many messages, bench/c2s-batch.lua)
//   http-floor <dir> <seconds> <concurrency> <size> <wrk script>
//                                                           the same requests against a Kestrel route that stores nothing, in a child
//   http-floor-serve <port file>                            that route's server (until killed)
//   events <dir> <users> <events> <samples>                event-log long-poll and SSE push latency on a seeded node
//   load <scenario> <dir> <report.md> <tern.dll> [key=value ...]
//                                                           an open-model scenario (flood, fetch, mixed, campaign) against `tern run`
//                                                           processes beside its baseline (Open/, Scenarios/, docs/BENCHMARKS.md)
//   load-floor-serve <port file> <blob bytes>               the scenarios' baseline server (until killed)
//   killload <dir> <report.md> <tern.dll> [key=value ...]   mixed load against two `tern run` processes, each SIGKILLed and
//                                                           restarted in turn; every guarantee checked (Kill/, bench/run-killload.sh)
//   flood <dir> <tern.dll> <capacity count> <flood seconds> <multiple> <legitimate/s> <idle seconds> <receive buffer bytes> <nice increment>
//                                                           a `tern run` child's capacity, then a flood at <multiple> × it beside a
//                                                           legitimate peer and HTTP probes; every datagram accounted for (bench/run-flood.sh)
// Each prints one "RESULT key=value ..." line for the scripts in bench/.
if (args.Length == 0)
{
    await Console.Error.WriteLineAsync("usage: Tern.Load transit-submit <dir> <seconds> <concurrency> <size> [<blob writes> <journal writes>] | transit-blob <dir> <megabytes> [<writes>] | fasterlog-raw <dir> <megabytes> [<writes>] | page-cache-copy <dir> <slots> <slot MiB> | sync-calls <dir> <count> | slot-writes <dir> <count> | blake2b <megabytes> | payload-tree <megabytes> | fetch-verify <dir> <megabytes> <pairs> | fetch-serve <dir> <count> <size> <bigMiB> <httpPort> <h2cPort> <framedPort> [kestrelHttpPort [httpsPort h2Port framedTlsPort cert.pem key.pem]] | fetch-framed <port> <capsFile> <seconds> <inflight> [tls] | e2e <dir> <count> <size> | e2e-nodes <dir> <count> <size> <tern.dll> | e2e-nodes-ab <dir> <count> <size> <base tern.dll> <head tern.dll> | c2s-submit <dir> <seconds> <concurrency> <size> <tern.dll> <wrk script> [<batch>] | http-floor <dir> <seconds> <concurrency> <size> <wrk script> | http-floor-serve <port file> | events <dir> <users> <events> <samples> | load <flood|fetch|mixed|campaign> <dir> <report.md> <tern.dll> [key=value ...] | load-floor-serve <port file> <blob bytes> | killload <dir> <report.md> <tern.dll> [key=value ...] | flood <dir> <tern.dll> <capacity count> <flood seconds> <multiple> <legitimate/s> <idle seconds> <receive buffer bytes> <nice increment>");
    return 2;
}

var inv = CultureInfo.InvariantCulture;
switch (args[0])
{
    case "transit-submit" when args.Length is 5 or 7:
        await TransitLoad.SubmitAsync(args[1], int.Parse(args[2], inv), int.Parse(args[3], inv), int.Parse(args[4], inv), LogWrites.Parse(args.Length == 7 ? args[5] : null), LogWrites.Parse(args.Length == 7 ? args[6] : "pagecache"));
        return 0;
    case "transit-blob" when args.Length is 3 or 4:
        await TransitLoad.BlobAsync(args[1], long.Parse(args[2], inv), LogWrites.Parse(args.Length == 4 ? args[3] : null));
        return 0;
    case "fasterlog-raw" when args.Length is 3 or 4:
        await TransitCeilings.FasterLogAsync(args[1], long.Parse(args[2], inv), LogWrites.Parse(args.Length == 4 ? args[3] : null));
        return 0;
    case "page-cache-copy" when args.Length == 4:
        TransitCeilings.PageCacheCopy(args[1], int.Parse(args[2], inv), int.Parse(args[3], inv));
        return 0;
    case "sync-calls" when args.Length == 3:
        TransitCeilings.SyncCalls(args[1], int.Parse(args[2], inv));
        return 0;
    case "slot-writes" when args.Length == 3:
        SlotWrites.Run(args[1], int.Parse(args[2], inv));
        return 0;
    case "blake2b" when args.Length == 2:
        TransitCeilings.Blake2b(long.Parse(args[1], inv));
        return 0;
    case "payload-tree" when args.Length == 2:
        TransitCeilings.PayloadTreeHash(long.Parse(args[1], inv));
        return 0;
    case "fetch-verify" when args.Length == 4:
        await FetchVerifyLoad.RunAsync(args[1], int.Parse(args[2], inv), int.Parse(args[3], inv));
        return 0;
    case "fetch-serve" when args.Length is 8 or 9 or 14:
        // As a fetch-serving host does, before any socket exists (see SocketCompletions).
        Tern.Transports.Fetch.SocketCompletions.PreferInline();
        await FetchServe.RunAsync(args[1], int.Parse(args[2], inv), int.Parse(args[3], inv), int.Parse(args[4], inv), int.Parse(args[5], inv), int.Parse(args[6], inv), int.Parse(args[7], inv), args.Length >= 9 ? int.Parse(args[8], inv) : 0,
            args.Length == 14 ? new FetchServe.TlsPorts(int.Parse(args[9], inv), int.Parse(args[10], inv), int.Parse(args[11], inv), args[12], args[13]) : null);
        return 0;
    case "fetch-framed" when args.Length is 5 or 6:
        await FramedLoad.RunAsync(int.Parse(args[1], inv), args[2], int.Parse(args[3], inv), int.Parse(args[4], inv), args.Length == 6 ? args[5] : null);
        return 0;
    case "e2e" when args.Length == 4:
        // Both domains serve and pull in this process, as a node host does: inline socket completions (see SocketCompletions).
        Tern.Transports.Fetch.SocketCompletions.PreferInline();
        await E2eLoad.RunAsync(args[1], int.Parse(args[2], inv), int.Parse(args[3], inv));
        return 0;
    case "e2e-nodes" when args.Length == 5:
        await NodesE2eLoad.RunAsync(args[1], int.Parse(args[2], inv), int.Parse(args[3], inv), args[4]);
        return 0;
    case "e2e-nodes-ab" when args.Length == 6:
        await PairedE2eLoad.RunAsync(args[1], int.Parse(args[2], inv), int.Parse(args[3], inv), args[4], args[5]);
        return 0;
    case "events" when args.Length == 5:
        await EventsLoad.RunAsync(args[1], int.Parse(args[2], inv), int.Parse(args[3], inv), int.Parse(args[4], inv));
        return 0;
    case "c2s-submit" when args.Length is 7 or 8:
        await C2sLoad.SubmitAsync(args[1], int.Parse(args[2], inv), int.Parse(args[3], inv), int.Parse(args[4], inv), args[5], args[6], args.Length == 8 ? int.Parse(args[7], inv) : 0);
        return 0;
    case "http-floor" when args.Length == 6:
        await HttpFloorLoad.RunAsync(args[1], int.Parse(args[2], inv), int.Parse(args[3], inv), int.Parse(args[4], inv), args[5]);
        return 0;
    case "http-floor-serve" when args.Length == 2:
        await HttpFloorLoad.ServeAsync(args[1]);
        return 0;
    case "load" when args.Length >= 5:
        await Tern.Load.Scenarios.LoadScenarios.RunAsync(args[1], args[2], args[3], args[4], args[5..]);
        return 0;
    case "killload" when args.Length >= 4:
        return await Tern.Load.Kill.KillLoadScenario.RunAsync(args[1], args[2], args[3], args[4..]);
    case "load-floor-serve" when args.Length == 3:
        await Tern.Load.Scenarios.FloorServer.ServeAsync(args[1], int.Parse(args[2], inv));
        return 0;
    case "flood" when args.Length == 10:
        await Tern.Load.Flood.FloodLoad.RunAsync(args[1], args[2], new Tern.Load.Flood.FloodSettings(int.Parse(args[3], inv), double.Parse(args[4], inv),
            double.Parse(args[5], inv), double.Parse(args[6], inv), double.Parse(args[7], inv), int.Parse(args[8], inv), int.Parse(args[9], inv)));
        return 0;
    default:
        await Console.Error.WriteLineAsync($"unknown mode or arguments: {string.Join(' ', args)}");
        return 2;
}
