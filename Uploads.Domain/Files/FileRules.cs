using System.Linq.Expressions;
using Uploads.Domain.Derivatives;

namespace Uploads.Domain.Files;

/// <summary>
/// When a sync (or the derivatives step) may take a file, which attempt holds it, when an upload is abandoned and when a sync is due again: each
/// said once, here. <see cref="FileRecord"/>'s methods, the worker's conditional updates and the reconciler's queries
/// all use these.
/// </summary>
public static class FileRules
{
    /// <summary>A sync may take the file at this time: it waits for one, or its holder's lease ran out (the holder died or let go).</summary>
    public static readonly FileRule<DateTimeOffset> ClaimableAt = new((file, now) =>
        file.Status == FileStatus.Uploaded || (file.Status == FileStatus.Syncing && file.SyncLeaseExpiresAt <= now));

    /// <summary>
    /// The file is being synced under one of these claims (each attempt claims under a token of its own): only its holder
    /// may renew, release or settle it. A worker renews the leases of all the syncs it has in hand at once.
    /// </summary>
    public static readonly FileRule<IReadOnlyCollection<Guid>> HeldByOneOf = new((file, claims) =>
        file.Status == FileStatus.Syncing && file.SyncClaim != null && claims.Contains(file.SyncClaim.Value));

    /// <summary>The file is still PENDING, and its upload window closed before this time.</summary>
    public static readonly FileRule<DateTimeOffset> UploadWindowClosedBefore = new((file, cutoff) =>
        file.Status == FileStatus.Pending && file.UploadExpiresAt < cutoff);

    /// <summary>
    /// The file settled (SYNCED, FAILED or EXPIRED: never one still waiting for its sync, whose bytes are at the upload
    /// key until the worker seals them), its upload URLs expired before this time (nothing more can arrive through
    /// them), and its upload key was not emptied since: bytes posted again with a still-valid URL may be lying there.
    /// </summary>
    public static readonly FileRule<DateTimeOffset> UploadKeyUnclearedAfterExpiryBefore = new((file, cutoff) =>
        (file.Status == FileStatus.Synced || file.Status == FileStatus.Failed || file.Status == FileStatus.Expired)
        && file.UploadKeyClearedAt == null && file.UploadExpiresAt < cutoff);

    /// <summary>A worker may make the file's derivatives at this time: they wait, or their holder's lease ran out.</summary>
    public static readonly FileRule<DateTimeOffset> DerivativesClaimableAt = new((file, now) =>
        file.Derivatives == DerivativesStatus.Pending || (file.Derivatives == DerivativesStatus.Making && file.DerivativesLeaseExpiresAt <= now));

    /// <summary>The file's derivatives are being made under this claim: only its holder may settle or release them.</summary>
    public static readonly FileRule<Guid> DerivativesHeldBy = new((file, claim) =>
        file.Derivatives == DerivativesStatus.Making && file.DerivativesClaim == claim);

    /// <summary>No derivatives were asked for since this time: a new <c>DerivativesRequested</c> may be published.</summary>
    public static readonly FileRule<DateTimeOffset> DerivativesNotRequestedSince = new((file, since) =>
        file.DerivativesRequestedAt == null || file.DerivativesRequestedAt < since);

    /// <summary>No sync was asked for this file since this time (or never): a new <c>FileUploaded</c> may be published.</summary>
    public static readonly FileRule<DateTimeOffset> SyncNotRequestedSince = new((file, since) =>
        file.SyncRequestedAt == null || file.SyncRequestedAt < since);
}

/// <summary>A rule of the file: <see cref="FileRules"/> holds them all.</summary>
public sealed class FileRule<TArgument>(Expression<Func<FileRecord, TArgument, bool>> rule) : Rule<FileRecord, TArgument>(rule);
