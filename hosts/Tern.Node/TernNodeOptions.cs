namespace Tern.Node;

/// <summary>
/// The node itself (section <c>Tern:Node</c>): who it is, where its data lives, where it listens and how long it may
/// take to stop. The components' own options sit in sections beside it (<see cref="TernSections"/>).
/// </summary>
public sealed class TernNodeOptions
{
    /// <summary>The domain this node serves (docs/PROTOCOL.md §2.4); must match the key set in <c>keys/</c>. Required.</summary>
    public string Domain { get; set; } = "";

    /// <summary>
    /// The data directory: <c>keys/</c>, <c>transit/</c>, <c>pending/</c>, <c>messages/</c>, <c>state/</c> and
    /// <c>appsettings.json</c> (docs/OPERATIONS.md). Required.
    /// </summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>
    /// What the node is for: <c>Domain</c> (a domain's own node) or <c>Gateway</c> (a blind gateway taking responsibility for
    /// other domains' blobs, docs/PROTOCOL.md §10; needs <see cref="HttpEndpoint"/>, and its policy is <c>Tern:Gateway</c>).
    /// Defaults to <c>Domain</c>.
    /// </summary>
    public NodeRole Role { get; set; } = NodeRole.Domain;

    /// <summary>
    /// Agreement keys (base64url, docs/PROTOCOL.md §2.3) of the gateways whose <c>via_gateway</c> notifications this node
    /// pulls (§4.7, §10.6). Defaults to none: notifications relayed by a gateway are filed but not pulled.
    /// </summary>
    public IList<string> TrustedGatewayKeys { get; } = [];

    /// <summary>The UDP notification port, <c>address:port</c> (docs/PROTOCOL.md §4). Defaults to <c>0.0.0.0:7400</c>; port 0 picks a free one.</summary>
    public string NotifyEndpoint { get; set; } = "0.0.0.0:7400";

    /// <summary>
    /// More notification ports the node listens on beside <see cref="NotifyEndpoint"/>, <c>address:port</c> each: while the
    /// port moves (docs/PROTOCOL.md §16.5) the node listens on the old and the new until every copy of a descriptor without
    /// the new one has expired. Each port has its own receive loop and key tables; the descriptor's default <c>notify</c>
    /// lists them after <see cref="NotifyEndpoint"/>. Defaults to none.
    /// </summary>
    public IList<string> MoreNotifyEndpoints { get; } = [];

    /// <summary>The framed fetch door, <c>address:port</c> (docs/PROTOCOL.md §8.2); empty for none. Defaults to <c>0.0.0.0:7401</c>.</summary>
    public string FramedEndpoint { get; set; } = "0.0.0.0:7401";

    /// <summary>The HTTP fetch door, <c>address:port</c> (docs/PROTOCOL.md §8.3); empty for none. Defaults to empty.</summary>
    public string HttpEndpoint { get; set; } = "";

    /// <summary>
    /// The fetch hints sent in every notification (docs/PROTOCOL.md §4.3), e.g. <c>tern+tcp://node.a.example:7401</c>.
    /// Defaults to none here, which makes the node announce its framed door as bound (right for loopback and tests only).
    /// </summary>
    public IList<string> FetchHints { get; } = [];

    /// <summary>
    /// Whether the fetch doors speak TLS with <see cref="CertificateFile"/> (docs/PROTOCOL.md §8). Defaults to true; plain
    /// text is for loopback (tests, one-machine demos), and the doors refuse it on other addresses.
    /// </summary>
    public bool FetchTls { get; set; } = true;

    /// <summary>
    /// Whether the HTTP fetch door speaks TLS, where it differs from <see cref="FetchTls"/>: the door that serves
    /// <c>https://&lt;domain&gt;/.well-known/tern</c> (docs/PROTOCOL.md §6.2) is HTTPS even where the framed door is plain
    /// text on loopback (the demo, tests). Defaults to none: as <see cref="FetchTls"/>.
    /// </summary>
    public bool? HttpTls { get; set; }

    /// <summary>The fetch doors' certificate and key (PKCS #12, no password), relative to the data directory. Defaults to <c>tls/fetch.pfx</c>, which <c>tern init</c> creates.</summary>
    public string CertificateFile { get; set; } = "tls/fetch.pfx";

    /// <summary>Name servers for discovery, <c>address:port</c>. Defaults to none: the system's resolvers.</summary>
    public IList<string> NameServers { get; } = [];

    /// <summary>
    /// A PEM file of the certificate authorities the well-known descriptor's HTTPS server must chain to instead of the
    /// system's trust store (a private PKI, the demo's own CA), relative to the data directory; the server's name is
    /// checked either way (docs/DISCOVERY.md §6). Defaults to empty: the system's trust store.
    /// </summary>
    public string DescriptorTrustedRoots { get; set; } = "";

    /// <summary>Whether pulls may fetch over plain text from loopback addresses (tests, one-machine demos). Defaults to false.</summary>
    public bool AllowPlainTextFetchOnLoopback { get; set; }

    /// <summary>
    /// What the node does with a notification for which no user set a preference:
    /// <c>WhenRequested</c> files it for the user's client, <c>Immediately</c> pulls it at once. Defaults to <c>WhenRequested</c>.
    /// </summary>
    public Tern.Engine.Pending.PullPreference PullPreference { get; set; } = Tern.Engine.Pending.PullPreference.WhenRequested;

    /// <summary>
    /// How long a graceful stop may spend draining the pull queue and in-flight fetches before it cuts them (they resume
    /// after a restart). Defaults to 10 s.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The whole graceful stop's bound (drain, commit, checkpoint, close); then the process exits. Defaults to 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The thread pool's floor of worker threads, raised at start (<see cref="ThreadPool.SetMinThreads(int, int)"/>; never
    /// lowered). The transit store's commits, the message store's and the event log's run blocking <c>fsync</c>s on pool
    /// threads; with the runtime's default floor (one thread per core) the pool adds a thread only every half second
    /// when all are blocked, so on a small machine two logs' commits that should overlap run one after the other and
    /// every continuation queued behind them waits (an strace of one process showed it). Against that, a loaded A/B
    /// (perf-reports/ab-c2s-minpool.md) had the node with a floor of 16 spend more CPU a submit, and on a quiet machine
    /// the end-to-end latency through two node processes did not move with it (perf-reports/ab-e2e-minpool.md: 1.00).
    /// Defaults to 0, the runtime's floor.
    /// </summary>
    public int MinPoolThreads { get; set; }

    /// <summary>
    /// How often the node looks in <c>keys/</c> for a key rotation begun while it runs (<c>tern keys rotate-domain</c>,
    /// docs/PROTOCOL.md §16.6); the rotation's own instants (<c>rotates_at</c>, <c>previous_until</c>) are kept to the second
    /// whatever this is. Between 1 second and 1 hour. Defaults to 5 seconds.
    /// </summary>
    public TimeSpan KeyRotationPollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
