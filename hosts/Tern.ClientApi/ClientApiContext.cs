using Microsoft.Extensions.Logging;
using Tern.ClientApi.Polling;
using Tern.ClientApi.Submissions;
using Tern.ClientApi.Users;
using Tern.Node;

namespace Tern.ClientApi;

/// <summary>What the routes share: the node's running parts, the users, the submission log, the long polls' signals and the limits.</summary>
internal sealed class ClientApiContext
{
    public ClientApiContext(TernNode node, UserDirectory users, SubmissionLog submissions, ReferenceSignals signals, ClientApiOptions options, TimeSpan maxTransit, ILogger logger, CancellationToken stopping)
    {
        Stopping = stopping;
        MaxTransit = maxTransit;
        Node = node;
        Users = users;
        Submissions = submissions;
        Signals = signals;
        Options = options;
        Logger = logger;
        Batches = new SemaphoreSlim(options.MaxConcurrentBatches, options.MaxConcurrentBatches);
    }

    /// <summary>Batch submits read and stored at once (<see cref="ClientApiOptions.MaxConcurrentBatches"/>).</summary>
    public SemaphoreSlim Batches { get; }

    public TernNode Node { get; }

    /// <summary>Open reservations of two-phase submission (docs/C2S.md §6).</summary>
    public required Reservations.ReservationStore Reservations { get; init; }

    /// <summary>The directory proxy for other users' key bundles (docs/C2S.md §12).</summary>
    public required Keys.KeyDirectory Directory { get; init; }

    public UserDirectory Users { get; }

    public SubmissionLog Submissions { get; }

    public ReferenceSignals Signals { get; }

    public ClientApiOptions Options { get; }

    public ILogger Logger { get; }

    /// <summary>The users' event logs (docs/C2S.md §15).</summary>
    public Events.EventLog Events { get; init; } = null!;

    /// <summary>The labels of the users' stored messages (docs/C2S.md §8).</summary>
    public Labels.LabelIndex Labels { get; init; } = null!;

    /// <summary>Devices, sessions and the rate limits of authentication (docs/C2S.md §5).</summary>
    public Auth.Authenticator Auth { get; init; } = null!;

    /// <summary>The users' policy documents (docs/C2S.md §13).</summary>
    public Policy.PolicyStore Policies { get; init; } = null!;

    /// <summary>How many event streams each user holds open.</summary>
    public Events.StreamCounter Streams { get; } = new();

    /// <summary>The longest transit granted: the least of the API's, the transit store's and its per-account maximum.</summary>
    public TimeSpan MaxTransit { get; }

    /// <summary>Cancelled when the node stops: long polls answer at once.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>The clock submissions are stamped with.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();
}
