using Tern.Engine.Protocol;

namespace Tern.Engine.Notify;

/// <summary>
/// A delivery handed to the scheduler from another thread (a submission, a retraction): the loop looks its index record
/// up once and puts it on the wheel as a <see cref="ScheduledNotice"/>.
/// </summary>
internal readonly struct IncomingNotice(FetchCapability capability, NoticeKind kind, long dueMs)
{
    public FetchCapability Capability { get; } = capability;

    public NoticeKind Kind { get; } = kind;

    public long DueMs { get; } = dueMs;
}
