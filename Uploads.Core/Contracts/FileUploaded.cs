namespace Uploads.Core.Contracts;

/// <summary>
/// Published when a file was confirmed (it is now UPLOADED). A trigger, not the truth: the consumer reads
/// the file's state from the database, so a duplicate or late message changes nothing.
/// </summary>
public sealed record FileUploaded(Guid FileId, string ObjectKey, long Size, DateTimeOffset ConfirmedAt);
