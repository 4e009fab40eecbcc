using System.Buffers.Binary;
using System.Diagnostics;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;
using Tern.Engine.Transit;

namespace Tern.Load.E2e;

/// <summary>Sends one message at a time from alice at a.example to bob at b.example and times it until it is stored.</summary>
internal sealed class TernRun
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);

    private readonly E2eSender _sender;
    private readonly E2eRecipient _recipient;
    private readonly StageClock _stages;
    private readonly RecipientHash _bob;
    private readonly TransitRecipient[] _recipients;
    private readonly byte[] _content;
    private long _sequence;
    private FetchCapability _watched;
    private FetchCapability _last;
    private TaskCompletionSource<long>? _waiter;

    public TernRun(E2eSender sender, E2eRecipient recipient, StageClock stages, RecipientHash bob, int size)
    {
        _sender = sender;
        _recipient = recipient;
        _stages = stages;
        _bob = bob;
        _recipients = [new TransitRecipient(E2eRecipient.Domain, bob)];
        _content = new byte[size];
        Random.Shared.NextBytes(_content);
        recipient.Puller.Completed += OnCompleted;
    }

    /// <summary>Submits, schedules and waits until b.example has stored the message; adds its stages to <paramref name="samples"/>.</summary>
    public async Task SendOneAsync(StageSamples? samples)
    {
        // Each blob differs from the previous one (its first bytes count the messages).
        BinaryPrimitives.WriteInt64LittleEndian(_content, ++_sequence);
        var request = new SubmissionRequest
        {
            Account = "alice",
            Recipients = _recipients,
            TransitExpiry = DateTimeOffset.UtcNow.AddDays(1),
            MimeHint = "message/tern",
        };
        var start = Stopwatch.GetTimestamp();
        var submission = await _sender.Store.SubmitAsync(request, new MemoryStream(_content, writable: false)).ConfigureAwait(false);
        var submitted = Stopwatch.GetTimestamp();
        var capability = submission.Capabilities[0];
        var waiter = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _watched = capability;
        Volatile.Write(ref _waiter, waiter);
        _stages.Arm(capability);
        _sender.Scheduler.Schedule(submission);
        var stored = await waiter.Task.WaitAsync(StepTimeout).ConfigureAwait(false);
        var (sent, filed, fetched) = _stages.Disarm();
        _last = capability;
        samples?.Add(start, submitted, sent, filed, fetched, stored);
    }

    /// <summary>Checks what the run claims: every message stored once and verified, nothing left pending, the last delivery fetched.</summary>
    public async Task VerifyAsync(int expected)
    {
        var stored = _recipient.Messages.List(_bob);
        Check(stored.Count == expected, $"{stored.Count} messages stored for bob, expected {expected}");
        Check(_recipient.Pending.Poll(_bob, 0, 10).References.Count == 0, "references still pending for bob");
        await using (var file = _recipient.Messages.OpenRead(_bob, _last))
        {
            var copy = new byte[file.Length];
            await file.ReadExactlyAsync(copy).ConfigureAwait(false);
            Check(copy.AsSpan().SequenceEqual(_content), "the last stored blob differs from the one submitted");
        }

        var deadline = Stopwatch.StartNew();
        while (_sender.Store.GetDelivery(_last)?.State != DeliveryState.Fetched)
        {
            Check(deadline.Elapsed < StepTimeout, "a.example never marked the last delivery fetched");
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    private void OnCompleted(PullResult result)
    {
        var now = Stopwatch.GetTimestamp();
        var waiter = Volatile.Read(ref _waiter);
        if (waiter is null || result.Capability != _watched)
        {
            return;
        }

        if (result.Outcome == PullOutcome.Stored)
        {
            waiter.TrySetResult(now);
        }
        else
        {
            waiter.TrySetException(new InvalidOperationException($"the pull of {result.Capability} ended {result.Outcome}"));
        }
    }

    private static void Check(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"e2e: {failure}");
        }
    }
}
