using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Node.Surfaces;

namespace Tern.Node.Tests;

/// <summary>
/// The rule of a surface with inline scheduling (docs/ARCHITECTURE.md §5.1): a request read on a thread that is not the
/// pool's (the socket engine's, under <c>tern run</c>) runs there only when its route is marked to; any other route, and
/// any body read that waited, goes on on the thread pool.
/// </summary>
public sealed class SocketThreadGuardTests
{
    [Fact]
    public async Task A_route_not_marked_inline_moves_from_the_reading_thread_to_the_pool()
    {
        var ran = new TaskCompletionSource<(int Thread, bool Pool)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var context = Request(inline: false);
        var reader = await InvokeOnOwnThreadAsync(context, () => ran.SetResult((Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread)));

        var (thread, pool) = await ran.Task;
        Assert.True(pool);
        Assert.NotEqual(reader, thread);
    }

    [Fact]
    public async Task A_route_marked_inline_runs_on_the_thread_that_read_it()
    {
        var ran = new TaskCompletionSource<(int Thread, bool Pool)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var context = Request(inline: true);
        var reader = await InvokeOnOwnThreadAsync(context, () => ran.SetResult((Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread)));

        var (thread, pool) = await ran.Task;
        Assert.False(pool);
        Assert.Equal(reader, thread);
    }

    [Fact]
    public async Task The_body_of_a_route_not_marked_inline_resumes_on_the_pool_after_a_read_that_waited()
    {
        var context = Request(inline: false);
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        context.Request.Body = pipe.Reader.AsStream();
        context.Request.ContentLength = 4;
        Stream? body = null;
        await InvokeOnOwnThreadAsync(context, () => body = context.Request.Body);
        Assert.IsType<PoolResumingBody>(body);

        // Without it, the read resumes on the thread that wrote the bytes (as the socket engine's would complete it).
        var (rawWriter, rawResumed, rawPool) = await ReadWrittenByOwnThreadAsync(pipe, pipe.Reader.AsStream());
        Assert.Equal(rawWriter, rawResumed);
        Assert.False(rawPool);

        var (_, _, pool) = await ReadWrittenByOwnThreadAsync(pipe, body!);
        Assert.True(pool);
    }

    [Fact]
    public async Task A_body_read_that_completes_at_once_stays_on_its_thread()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 1, 2, 3, 4 });
        var body = new PoolResumingBody(pipe.Reader.AsStream());
        var read = body.ReadAsync(new byte[4]);
        Assert.True(read.IsCompletedSuccessfully);
        Assert.Equal(4, await read);
    }

    [Fact]
    public async Task A_route_marked_inline_when_idle_begins_on_the_reading_thread_only_while_none_of_its_kind_is_in_flight_and_its_body_is_small()
    {
        var guard = new SocketThreadGuard(NullLogger.Instance);

        // Idle, a small body: on the thread that read it; its body still read through PoolResumingBody.
        var context = WhenIdleRequest(contentLength: 1024);
        Stream? body = null;
        var (reader, thread, pool) = await RunOnOwnThreadAsync(guard, context, () => body = context.Request.Body);
        Assert.Equal(reader, thread);
        Assert.False(pool);
        Assert.IsType<PoolResumingBody>(body);

        // A body over the bound, or of unknown length: moved to the pool.
        (reader, thread, pool) = await RunOnOwnThreadAsync(guard, WhenIdleRequest(contentLength: 4097), () => { });
        Assert.True(pool);
        Assert.NotEqual(reader, thread);
        (reader, thread, pool) = await RunOnOwnThreadAsync(guard, WhenIdleRequest(contentLength: null), () => { });
        Assert.True(pool, $"reader {reader}, route's thread {thread}, current {Environment.CurrentManagedThreadId} ctx {SynchronizationContext.Current?.GetType().Name}");

        // Another of its kind still in flight (waiting on its commit, say): moved to the pool; once it ends, inline again.
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? first = null;
        var starter = new Thread(() => first = guard.InvokeAsync(WhenIdleRequest(contentLength: 10), _ => held.Task));
        starter.Start();
        starter.Join();
        (reader, thread, pool) = await RunOnOwnThreadAsync(guard, WhenIdleRequest(contentLength: 10), () => { });
        Assert.True(pool);
        Assert.NotEqual(reader, thread);
        held.SetResult();
        await first!;
        (reader, thread, pool) = await RunOnOwnThreadAsync(guard, WhenIdleRequest(contentLength: 10), () => { });
        Assert.False(pool);
        Assert.Equal(reader, thread);
    }

    private static DefaultHttpContext Request(bool inline)
    {
        var context = new DefaultHttpContext();
        var metadata = inline ? new EndpointMetadataCollection(RunsInlineMetadata.Instance) : new EndpointMetadataCollection();
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, metadata, "probe"));
        return context;
    }

    private static DefaultHttpContext WhenIdleRequest(long? contentLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentLength = contentLength;
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new RunsInlineWhenIdleMetadata(4096)), "submit"));
        return context;
    }

    /// <summary>Invokes the guard on a thread of the test's own (no pool thread), as the socket engine's would; answers its id.</summary>
    private static async Task<int> InvokeOnOwnThreadAsync(HttpContext context, Action route)
    {
        var (reader, _, _) = await RunOnOwnThreadAsync(new SocketThreadGuard(NullLogger.Instance), context, route);
        return reader;
    }

    /// <summary>Invokes <paramref name="guard"/> on a thread of the test's own; answers that thread, and the route's thread and whether it was the pool's.</summary>
    private static async Task<(int Reader, int Thread, bool Pool)> RunOnOwnThreadAsync(SocketThreadGuard guard, HttpContext context, Action route)
    {
        var ran = (Thread: 0, Pool: false);
        Task? invoked = null;
        var thread = new Thread(() => invoked = guard.InvokeAsync(context, _ =>
        {
            ran = (Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread);
            route();
            return Task.CompletedTask;
        }));
        thread.Start();
        thread.Join();
        await invoked!;
        return (thread.ManagedThreadId, ran.Thread, ran.Pool);
    }

    /// <summary>Starts a read of <paramref name="body"/>, then writes its bytes from a thread of the test's own.</summary>
    private static async Task<(int Writer, int Resumed, bool Pool)> ReadWrittenByOwnThreadAsync(Pipe pipe, Stream body)
    {
        var read = ResumeAfterReadAsync(body);
        Assert.False(read.IsCompleted);
        var thread = new Thread(() => pipe.Writer.WriteAsync(new byte[] { 1, 2, 3, 4 }).AsTask().GetAwaiter().GetResult());
        thread.Start();
        thread.Join();
        var (resumed, pool) = await read;
        return (thread.ManagedThreadId, resumed, pool);
    }

    private static async Task<(int Thread, bool Pool)> ResumeAfterReadAsync(Stream body)
    {
        Assert.Equal(4, await body.ReadAsync(new byte[4]).ConfigureAwait(false));
        return (Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread);
    }
}
