using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tern.ClientApi;
using Tern.ClientApi.Users;
using Tern.Engine.Keys;
using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Node;

namespace Tern.Load;

/// <summary>
/// C2S submit throughput: a node composed as <c>tern run</c> composes it (AddTernNode + AddTernClientApi), and
/// <c>concurrency</c> HTTP/1.1 clients on loopback each submitting <c>size</c>-byte messages to one recipient through
/// its client API (bearer token, durable before the answer, a notification scheduled per message to a UDP port that
/// only receives). Compare with <see cref="TransitLoad.SubmitAsync"/>, the bare store, run beside it by bench/run-c2s.sh.
/// </summary>
internal static class C2sLoad
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);

    public static async Task SubmitAsync(string directory, int seconds, int concurrency, int size)
    {
        using (var keys = DomainKeySet.Generate("a.example"))
        {
            keys.Save(TernDataDirectory.Keys(directory));
        }

        var settings = new Dictionary<string, string?>
        {
            ["Tern:Node:Domain"] = "a.example",
            ["Tern:Node:DataDirectory"] = directory,
            ["Tern:Node:NotifyEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FramedEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FetchTls"] = "false",
            ["Tern:Transit:CheckpointInterval"] = "00:00:05",
            ["Tern:ClientApi:Listen"] = "127.0.0.1:0",
            ["Tern:Delivery:InitialRetransmitInterval"] = Environment.GetEnvironmentVariable("C2S_RETRANSMIT") ?? "01:00:00",
        };
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTernNode(builder.Configuration);
        builder.Services.AddTernClientApi(builder.Configuration);

        // The recipient's domain: a UDP port that receives and is never read (the kernel drops what overflows).
        using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var peers = new StaticPeerResolver();
        using var peerKeys = DomainKeySet.Generate("b.example");
        peers.Set(new NotificationPeer("b.example", new Bytes32(peerKeys.AgreementPublicKey), (IPEndPoint)sink.LocalEndPoint!));
        builder.Services.AddSingleton<INotificationPeerResolver>(peers);

        using var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        var node = host.Services.GetRequiredService<TernNode>();
        var token = UserDirectory.Open(directory).Add("load", "load@a.example").Token;
        await Task.Delay(500).ConfigureAwait(false);
        var idleRss = Environment.WorkingSet;

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false })
        {
            BaseAddress = new Uri($"http://{node.ClientApiEndPoint}"),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var uri = $"/v1/messages?to={RecipientHash.NewRandom()}@b.example";
        var content = new byte[size];
        Random.Shared.NextBytes(content);
        long acked = 0;
        long failed = 0;
        long peakRss = 0;
        var measuring = false;
        var stop = false;

        var workers = new Task[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            workers[i] = Task.Run(async () =>
            {
                while (!Volatile.Read(ref stop))
                {
                    using var body = new ByteArrayContent(content);
                    using var response = await http.PostAsync(uri, body).ConfigureAwait(false);
                    if (!Volatile.Read(ref measuring))
                    {
                        continue;
                    }

                    Interlocked.Increment(ref response.StatusCode == HttpStatusCode.Created ? ref acked : ref failed);
                }
            });
        }

        await Task.Delay(Warmup).ConfigureAwait(false);
        var commitsBefore = node.Store.CommitCount;
        Volatile.Write(ref measuring, true);
        var watch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        while (watch.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            await Task.Delay(250).ConfigureAwait(false);
            peakRss = Math.Max(peakRss, Environment.WorkingSet);
        }

        Volatile.Write(ref measuring, false);
        var elapsed = watch.Elapsed.TotalSeconds;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var count = Interlocked.Read(ref acked);
        var commits = node.Store.CommitCount - commitsBefore;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers).ConfigureAwait(false);
        await host.StopAsync().ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT submits={count} failed={Interlocked.Read(ref failed)} seconds={elapsed:F2} per_second={count / elapsed:F0} commits={commits} per_commit={(commits == 0 ? 0 : (double)count / commits):F1} cpu_us_per_submit={(count == 0 ? 0 : cpu.TotalMicroseconds / count):F1} rss_idle_mb={idleRss / 1048576.0:F0} rss_peak_mb={peakRss / 1048576.0:F0}"));
    }
}
