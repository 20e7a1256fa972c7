namespace Uploads.Domain.Derivatives;

/// <summary>One stored move of a file's derivatives: what they became, when, why, and under which trace.</summary>
public sealed class DerivativesTransition
{
    public long Id { get; private set; }
    public Guid FileId { get; private set; }
    public DerivativesStatus FromStatus { get; private set; }
    public DerivativesStatus Status { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string? Reason { get; private set; }
    public string? TraceId { get; private set; }

    DerivativesTransition() { }

    internal DerivativesTransition(Guid fileId, DerivativesStatus fromStatus, DerivativesStatus status, DateTimeOffset at, string? reason, string? traceId)
    {
        FileId = fileId;
        FromStatus = fromStatus;
        Status = status;
        At = at;
        Reason = reason;
        TraceId = traceId;
    }
}
