using Uploads.Domain.Derivatives;
using Uploads.Domain.Files;

namespace Uploads.Domain.Contracts;

/// <summary>
/// Published when a file became SYNCED with derivatives due, and again by the reconciler while they are overdue. A
/// trigger, not the truth: the consumer reads the file from the database, so a duplicate or late message changes nothing.
/// </summary>
public sealed record DerivativesRequested(Guid FileId, DateTimeOffset RequestedAt)
{
    public static DerivativesRequested For(FileRecord file) =>
        file is { Derivatives: DerivativesStatus.Pending or DerivativesStatus.Making, DerivativesRequestedAt: { } requestedAt }
            ? new DerivativesRequested(file.Id, requestedAt)
            : throw new InvalidOperationException($"The derivatives of file {file.Id} are {file.Derivatives}: none are due.");
}
