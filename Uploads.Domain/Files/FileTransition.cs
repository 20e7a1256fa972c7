namespace Uploads.Domain.Files;

/// <summary>One stored move of a file's state: what it became, when, why, and under which trace.</summary>
public sealed class FileTransition
{
    public long Id { get; private set; }
    public Guid FileId { get; private set; }
    public FileStatus? FromStatus { get; private set; }
    public FileStatus Status { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string? Reason { get; private set; }
    public string? TraceId { get; private set; }

    FileTransition() { }

    internal FileTransition(Guid fileId, FileStatus? fromStatus, FileStatus status, DateTimeOffset at, string? reason, string? traceId)
    {
        FileId = fileId;
        FromStatus = fromStatus;
        Status = status;
        At = at;
        Reason = reason;
        TraceId = traceId;
    }
}
