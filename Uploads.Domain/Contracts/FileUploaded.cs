using Uploads.Domain.Files;

namespace Uploads.Domain.Contracts;

/// <summary>
/// Published when a file was confirmed (it is now UPLOADED), and again by the reconciler while its sync is overdue.
/// A trigger, not the truth: the consumer reads the file's state from the database, so a duplicate or late message
/// changes nothing.
/// </summary>
/// <param name="RequestedAt">When this sync was asked for: the confirmation, or the reconciler's republication.</param>
public sealed record FileUploaded(Guid FileId, string ObjectKey, long Size, DateTimeOffset RequestedAt)
{
    /// <summary>The event for a file waiting for its sync, as the API and the reconciler both publish it.</summary>
    public static FileUploaded For(FileRecord file) => file is { Status: FileStatus.Uploaded or FileStatus.Syncing, Size: { } size, SyncRequestedAt: { } requestedAt }
        ? new FileUploaded(file.Id, file.ObjectKey, size, requestedAt)
        : throw new InvalidOperationException($"File {file.Id} is {file.Status}: no sync is due for it.");
}
