using Uploads.Domain.Derivatives;
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
    string TraceId,
    DerivativesView Derivatives,
    FileMetadata? Metadata,
    IReadOnlyList<ThumbnailLink> Thumbnails)
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
        traceId,
        DerivativesView.Of(file),
        file.DerivedContent?.Metadata,
        [.. (file.DerivedContent?.Thumbnails ?? []).Select(t => ThumbnailLink.To(file.Id, t))]);
}

/// <summary>Where a file's derivatives stand: <c>pending</c>, <c>ready</c>, <c>failed</c> (with the reason) or <c>none</c>.</summary>
public sealed record DerivativesView(string Status, string? Reason)
{
    public static DerivativesView Of(FileRecord file) =>
        new(DerivativesStateMachine.PublicName(file.Derivatives), file.DerivativesFailureReason);
}

/// <param name="Size">The long side asked for: 200 or 800 px.</param>
/// <param name="Url">Through the API: the same tenant's token reads it, with an ETag and a long private cache life.</param>
/// <param name="Width">In pixels, upright.</param>
/// <param name="Height">In pixels, upright.</param>
/// <param name="ContentType">image/jpeg, or image/webp where the worker is configured so.</param>
public sealed record ThumbnailLink(int Size, string Url, int Width, int Height, string ContentType)
{
    public static ThumbnailLink To(Guid fileId, Thumbnail thumbnail) =>
        new(thumbnail.Size, $"/files/{fileId}/thumbnails/{thumbnail.Size}", thumbnail.Width, thumbnail.Height, thumbnail.ContentType);
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
