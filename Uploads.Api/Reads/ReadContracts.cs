using Uploads.Domain.Files;

namespace Uploads.Api.Reads;

public sealed record FileDetails(
    Guid FileId,
    string Filename,
    string? ExternalId,
    string ContentType,
    long? Size,
    string? Sha256,
    FileStatus Status,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<TransitionView> History,
    string TraceId)
{
    public static FileDetails From(FileRecord file, IEnumerable<FileTransition> history, string traceId) => new(
        file.Id,
        file.Filename,
        file.ExternalId,
        file.ContentType,
        file.Size ?? file.DeclaredSize,
        file.Sha256 ?? file.DeclaredSha256,
        file.Status,
        file.FailureReason,
        file.CreatedAt,
        file.UpdatedAt,
        [.. history.Select(t => new TransitionView(t.Status, t.At, t.Reason, t.TraceId))],
        traceId);
}

/// <summary>A file in a listing: what <see cref="FileDetails"/> shows, without the history.</summary>
public sealed record FileSummary(
    Guid FileId,
    string Filename,
    string? ExternalId,
    string ContentType,
    long? Size,
    string? Sha256,
    FileStatus Status,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static FileSummary From(FileRecord file) => new(
        file.Id,
        file.Filename,
        file.ExternalId,
        file.ContentType,
        file.Size ?? file.DeclaredSize,
        file.Sha256 ?? file.DeclaredSha256,
        file.Status,
        file.FailureReason,
        file.CreatedAt,
        file.UpdatedAt);
}

public sealed record TransitionView(FileStatus Status, DateTimeOffset At, string? Reason, string? TraceId);
