using System.Globalization;
using Tern.GatewayBench;

// bench/run-gateway.sh runs this twice, each part beside its baseline: contact windows opened by a running scheduler
// against their plan, and the expiring-before-T query over a store of many blobs. Prints a Markdown table, then
// "#key value" lines the script reads for its summary rows.
//   Tern.GatewayBench contacts [clock scale = 100] [cycles = 100]
//   Tern.GatewayBench expiring [blobs = 1000000] [queries = 100]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
double Number(int index, double otherwise) => args.Length > index ? double.Parse(args[index], CultureInfo.InvariantCulture) : otherwise;
var root = Directory.CreateTempSubdirectory("tern-gateway-bench-");
try
{
    switch (args.FirstOrDefault())
    {
        case "contacts":
            await ContactsAsync(Number(1, 100), (int)Number(2, 100));
            return 0;
        case "expiring":
            await ExpiringAsync((int)Number(1, 1_000_000), (int)Number(2, 100));
            return 0;
        default:
            Console.Error.WriteLine("usage: Tern.GatewayBench contacts [scale] [cycles] | expiring [blobs] [queries]");
            return 2;
    }
}
finally
{
    root.Delete(recursive: true);
}

async Task ContactsAsync(double scale, int cycles)
{
    var r = await ContactWindowBench.RunAsync(scale, cycles, Path.Combine(root.FullName, "contacts"));
    Console.WriteLine($"| what | windows with a send | max \\|error\\| (plan s) | mean \\|error\\| (plan s) | p99 \\|error\\| (plan s) | max \\|error\\| (real ms) | datagrams | sent outside a window (furthest from its edge, plan s) |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
    Console.WriteLine($"| Tern: first datagram of each window from the running NotificationScheduler, against the plan's opening | {r.WindowsUsed} of {r.Windows} | {r.MaxErrorMs / 1000:0.000} | {r.MeanErrorMs / 1000:0.000} | {r.P99ErrorMs / 1000:0.000} | {r.MaxErrorMs / scale:0.0} | {r.Datagrams} | {r.SentOutside} ({r.FurthestOutsideMs / 1000:0.000}) |");
    Console.WriteLine($"| baseline: a bare timer of the same scaled clock set for each opening | {r.Windows} of {r.Windows} | {r.TimerMaxErrorMs / 1000:0.000} | {r.TimerMeanErrorMs / 1000:0.000} | {r.TimerP99ErrorMs / 1000:0.000} | {r.TimerMaxErrorMs / scale:0.0} | — | — |");
    Console.WriteLine();
    Console.WriteLine($"#windows_used {r.WindowsUsed}");
    Console.WriteLine($"#windows {r.Windows}");
    Console.WriteLine($"#window_max_error_s {r.MaxErrorMs / 1000:0.000}");
    Console.WriteLine($"#window_p99_error_s {r.P99ErrorMs / 1000:0.000}");
    Console.WriteLine($"#timer_max_error_s {r.TimerMaxErrorMs / 1000:0.000}");
    Console.WriteLine($"#sent_outside {r.SentOutside}");
    Console.WriteLine($"#furthest_outside_s {r.FurthestOutsideMs / 1000:0.000}");
}

async Task ExpiringAsync(int blobs, int queries)
{
    var r = await ExpiringQueryBench.RunAsync(blobs, queries, Path.Combine(root.FullName, "expiring"));
    Console.WriteLine($"{r.Blobs} held blobs, {r.Matched} deliveries before T; the store filled in {r.FillSeconds:0.0} s; {queries} queries each, after 5 unmeasured.");
    Console.WriteLine();
    Console.WriteLine("| what | p50 (ms) | p99 (ms) | max (ms) |");
    Console.WriteLine("|---|---:|---:|---:|");
    Console.WriteLine($"| Tern: `GET /admin/v1/expiring?before=T` through the admin surface (HTTP on loopback, JSON parsed) | {r.Route.P50Ms:0.00} | {r.Route.P99Ms:0.00} | {r.Route.MaxMs:0.00} |");
    Console.WriteLine($"| Tern: `TransitStore.ListExpiringBefore` in the process | {r.Store.P50Ms:0.00} | {r.Store.P99Ms:0.00} | {r.Store.MaxMs:0.00} |");
    Console.WriteLine($"| baseline: a plain scan of the same {r.Blobs} records in an array | {r.Scan.P50Ms:0.00} | {r.Scan.P99Ms:0.00} | {r.Scan.MaxMs:0.00} |");
    Console.WriteLine();
    Console.WriteLine($"#route_p50_ms {r.Route.P50Ms:0.00}");
    Console.WriteLine($"#route_p99_ms {r.Route.P99Ms:0.00}");
    Console.WriteLine($"#store_p50_ms {r.Store.P50Ms:0.00}");
    Console.WriteLine($"#scan_p50_ms {r.Scan.P50Ms:0.00}");
    Console.WriteLine($"#scan_p99_ms {r.Scan.P99Ms:0.00}");
    Console.WriteLine($"#fill_seconds {r.FillSeconds:0.0}");
}
