using System.Globalization;
using Tern.PendingBench;

// Tern.PendingBench table|baseline [--dir D] [--refs N] [--writers W] [--refs-per-hash K] [--polls P] [--timeout-s S] [--checkpoint] [--sized-for R] [--duplicates D]
// Tern.PendingBench polls --dir D --refs N --refs-per-hash K [--polls P] [--drop-caches | --evict] [--target-refs T]   (a table filled by `table … --checkpoint`;
//   --evict: the table's files dropped from the page cache before it opens; T: the fill's --refs when its time bound stopped it at N, which spread the references over T / K hashes)
// One measurement per process, so that resident memory belongs to that measurement alone.
var mode = args.Length > 0 ? args[0] : "table";
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var refs = long.Parse(Arg("--refs", "1000000"), CultureInfo.InvariantCulture);
var refsPerHash = long.Parse(Arg("--refs-per-hash", "4"), CultureInfo.InvariantCulture);
switch (mode)
{
    case "baseline":
        DictionaryBaseline.Run(refs, Math.Max(1, refs / refsPerHash));
        break;
    case "table":
        var directory = Arg("--dir", Path.Combine(Path.GetTempPath(), "tern-pendingbench-" + Guid.NewGuid().ToString("N")));
        await PendingLoad.Run(
            directory,
            refs,
            int.Parse(Arg("--writers", "1"), CultureInfo.InvariantCulture),
            refsPerHash,
            int.Parse(Arg("--polls", "100000"), CultureInfo.InvariantCulture),
            double.Parse(Arg("--timeout-s", "1200"), CultureInfo.InvariantCulture),
            args.Contains("--checkpoint"),
            long.Parse(Arg("--sized-for", "0"), CultureInfo.InvariantCulture),
            long.Parse(Arg("--duplicates", "0"), CultureInfo.InvariantCulture)).ConfigureAwait(false);
        break;
    case "polls":
        return ReopenedPolls.Run(
            Arg("--dir", "."),
            refs,
            refsPerHash,
            int.Parse(Arg("--polls", "3000"), CultureInfo.InvariantCulture),
            args.Contains("--drop-caches"),
            args.Contains("--evict"),
            long.Parse(Arg("--target-refs", "0"), CultureInfo.InvariantCulture));
    default:
        Console.Error.WriteLine("usage: Tern.PendingBench table|baseline|polls [--dir D] [--refs N] [--writers W] [--refs-per-hash K] [--polls P] [--timeout-s S] [--checkpoint] [--sized-for R] [--duplicates D]");
        return 2;
}

return 0;
