using System.Diagnostics;
using Uploads.Domain.Derivatives;

namespace Uploads.Domain.Files;

/// <summary>
/// A file the service knows of. Its state only changes through the methods below, each of which
/// asks <see cref="FileStateMachine"/> and records a <see cref="FileTransition"/>.
/// </summary>
public sealed class FileRecord : IListedNewestFirst
{
    readonly List<FileTransition> history = [];
    readonly List<DerivativesTransition> derivativesHistory = [];

    public Guid Id { get; private set; }

    /// <summary>The tenant that owns the file: every query of the API filters by it.</summary>
    public string TenantId { get; private set; } = "";
    public string Filename { get; private set; } = "";
    public string? ExternalId { get; private set; }
    public string ContentType { get; private set; } = "";
    /// <summary>The file's own object, sealed from the upload by the worker: what is hashed and served.</summary>
    public string ObjectKey { get; private set; } = "";

    /// <summary>Where the client uploads; what a signed URL writes there never reaches <see cref="ObjectKey"/> after the seal.</summary>
    public string UploadKey => ObjectKeys.UploadFor(TenantId, Id);
    public long? DeclaredSize { get; private set; }
    public string? DeclaredSha256 { get; private set; }
    public long? Size { get; private set; }
    public string? Sha256 { get; private set; }

    /// <summary>
    /// What storage called the sealed object's bytes (its ETag) when the worker read and verified them: every read of the
    /// object is conditional on it, so bytes changed behind the service are never served, not even a range of them.
    /// </summary>
    public string? StoredETag { get; private set; }
    public FileStatus Status { get; private set; }
    public string? FailureReason { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset UploadExpiresAt { get; private set; }

    /// <summary>
    /// When the reconciler removed whatever reached the upload key after the file left PENDING (a signed URL stays valid
    /// until it expires, and storage accepts what it writes): done once, after the URLs expired, so nothing stays there.
    /// </summary>
    public DateTimeOffset? UploadKeyClearedAt { get; private set; }

    /// <summary>The storage's multipart upload, when the file is uploaded in parts; aborted if the upload is abandoned.</summary>
    public string? MultipartUploadId { get; private set; }

    /// <summary>Who holds the current sync: a token of the one attempt that claimed it.</summary>
    public Guid? SyncClaim { get; private set; }
    public DateTimeOffset? SyncLeaseExpiresAt { get; private set; }

    /// <summary>Deliveries of this file's sync that failed for good (after their retries in place).</summary>
    public int FailedDeliveries { get; private set; }

    /// <summary>When a <c>FileUploaded</c> was last published for this file: the reconciler republishes only after a pause.</summary>
    public DateTimeOffset? SyncRequestedAt { get; private set; }

    /// <summary>PostgreSQL's <c>xmin</c>: every update is conditional on it, so concurrent writers cannot both win.</summary>
    public uint Version { get; private set; }

    public IReadOnlyList<FileTransition> History => history;

    /// <summary>Thumbnails, preview and metadata: a step of their own after SYNCED (<see cref="DerivativesStateMachine"/>).</summary>
    public DerivativesStatus Derivatives { get; private set; }
    public string? DerivativesFailureReason { get; private set; }
    public DerivedContent? DerivedContent { get; private set; }
    public Guid? DerivativesClaim { get; private set; }
    public DateTimeOffset? DerivativesLeaseExpiresAt { get; private set; }

    /// <summary>Claims of the derivatives step so far: a picture that kills its worker every time still ends FAILED.</summary>
    public int DerivativesAttempts { get; private set; }

    /// <summary>When a <c>DerivativesRequested</c> was last published: the reconciler republishes only after a pause.</summary>
    public DateTimeOffset? DerivativesRequestedAt { get; private set; }

    public IReadOnlyList<DerivativesTransition> DerivativesHistory => derivativesHistory;

    FileRecord() { }

    public static FileRecord Request(
        Guid id,
        string tenantId,
        string filename,
        string? externalId,
        string contentType,
        string objectKey,
        long? declaredSize,
        string? declaredSha256,
        DateTimeOffset uploadExpiresAt,
        DateTimeOffset now,
        string? multipartUploadId = null)
    {
        now = Stored(now);
        var file = new FileRecord
        {
            Id = id,
            TenantId = tenantId,
            Filename = filename,
            ExternalId = externalId,
            ContentType = contentType,
            ObjectKey = objectKey,
            DeclaredSize = declaredSize,
            DeclaredSha256 = declaredSha256,
            Status = FileStatus.Pending,
            CreatedAt = now,
            UpdatedAt = now,
            UploadExpiresAt = Stored(uploadExpiresAt),
            MultipartUploadId = multipartUploadId,
        };
        file.history.Add(new FileTransition(id, null, FileStatus.Pending, now, null, CurrentTraceId()));
        return file;
    }

    /// <summary>Whether the signed upload URLs handed out for this file no longer work (a new request re-signs them).</summary>
    public bool HasUploadUrlExpired(DateTimeOffset now) => now >= UploadExpiresAt;

    /// <summary>Whether the file is PENDING and its upload window closed more than <paramref name="grace"/> ago.</summary>
    public bool IsUploadWindowClosed(DateTimeOffset now, TimeSpan grace) => FileRules.UploadWindowClosedBefore.IsMetBy(this, now - grace);

    public void RenewUploadWindow(DateTimeOffset expiresAt, DateTimeOffset now)
    {
        if (Status != FileStatus.Pending)
        {
            throw new InvalidFileTransitionException(Id, Status, FileStatus.Pending);
        }

        UploadExpiresAt = Stored(expiresAt);
        UpdatedAt = Stored(now);
    }

    public void MarkUploaded(long size, DateTimeOffset now, string? reason = null)
    {
        MoveTo(FileStatus.Uploaded, reason, now);
        Size = size;
        SyncRequestedAt = UpdatedAt;
    }

    public void RecordSyncRequested(DateTimeOffset now) => SyncRequestedAt = Stored(now);

    /// <summary>Records that the upload key was emptied after the file settled and its URLs expired: not a transition.</summary>
    public void RecordUploadKeyCleared(DateTimeOffset now)
    {
        if (!FileStateMachine.IsTerminal(Status))
        {
            throw new InvalidOperationException($"File {Id} is {Status}: its upload key holds its bytes until they are sealed and the file settles.");
        }

        UploadKeyClearedAt = Stored(now);
    }

    public void MarkExpired(DateTimeOffset now) => MoveTo(FileStatus.Expired, FailureReasons.UploadWindowClosed, now);

    public void MarkCancelled(DateTimeOffset now) => MoveTo(FileStatus.Expired, FailureReasons.Cancelled, now);

    /// <summary>
    /// The digest a client computed while it uploaded (too late to declare at the start); the worker verifies it as any
    /// declared digest. Only while PENDING, and never another than one already declared.
    /// </summary>
    public void DeclareDigest(string sha256, DateTimeOffset now)
    {
        if (Status != FileStatus.Pending)
        {
            throw new InvalidFileTransitionException(Id, Status, FileStatus.Pending);
        }

        if (DeclaredSha256 is { } declared && declared != sha256)
        {
            throw new InvalidOperationException($"File {Id} was declared with the digest {declared}, not {sha256}.");
        }

        DeclaredSha256 = sha256;
        UpdatedAt = Stored(now);
    }

    /// <summary>Takes the file for syncing under <paramref name="claim"/> until <paramref name="leaseExpiresAt"/>.</summary>
    public void StartSync(Guid claim, DateTimeOffset leaseExpiresAt, DateTimeOffset now)
    {
        if (!CanBeClaimed(now))
        {
            throw new InvalidFileTransitionException(Id, Status, FileStatus.Syncing);
        }

        var move = SyncClaimMove.Describe(claim, leaseExpiresAt, now);
        MoveTo(move.Status, move.ReasonFrom(Status), move.At);
        SyncClaim = move.Token;
        SyncLeaseExpiresAt = move.LeaseExpiresAt;
        SyncRequestedAt = move.At;
    }

    /// <summary>
    /// Counts a delivery that failed for good while another attempt holds the file: that attempt goes on, and whoever
    /// finds the file claimable next settles it once its deliveries are spent (<see cref="HasSpentDeliveries"/>).
    /// </summary>
    public void CountFailedDelivery(DateTimeOffset now)
    {
        if (Status != FileStatus.Syncing)
        {
            throw new InvalidFileTransitionException(Id, Status, FileStatus.Syncing);
        }

        FailedDeliveries++;
        UpdatedAt = Stored(now);
    }

    /// <summary>Whether <paramref name="maxDeliveries"/> deliveries of this file's sync have failed for good.</summary>
    public bool HasSpentDeliveries(int maxDeliveries) => FailedDeliveries >= maxDeliveries;

    /// <summary>FAILED with <c>SYNC_FAILED</c>: every delivery failed. The faults themselves go to logs, not to the reason.</summary>
    public void MarkDeliveriesSpent(int maxDeliveries, DateTimeOffset now) =>
        MarkFailed($"{FailureReasons.SyncFailed}: every delivery of the sync failed ({FailedDeliveries} of {maxDeliveries})", now);

    /// <summary>
    /// Counts a delivery that failed for good and leaves the file SYNCING, untouchable before <paramref name="retryAt"/>,
    /// when the reconciler delivers it again. Not a transition: the file stays where it is.
    /// </summary>
    public void DeferSync(DateTimeOffset retryAt, DateTimeOffset now)
    {
        if (Status != FileStatus.Syncing)
        {
            throw new InvalidFileTransitionException(Id, Status, FileStatus.Syncing);
        }

        FailedDeliveries++;
        SyncLeaseExpiresAt = Stored(retryAt);
        UpdatedAt = Stored(now);
    }

    /// <inheritdoc cref="FileRules.ClaimableAt"/>
    public bool CanBeClaimed(DateTimeOffset now) => FileRules.ClaimableAt.IsMetBy(this, now);

    /// <summary>The file is being synced under this claim (<see cref="FileRules.HeldByOneOf"/>).</summary>
    public bool IsHeldBy(Guid claim) => FileRules.HeldByOneOf.IsMetBy(this, [claim]);

    /// <summary>SYNCED; thumbnails and metadata become due when the file is of a kind that has them (<see cref="DerivativeSources"/>).</summary>
    public void MarkSynced(string sha256, DateTimeOffset now, string? storedETag = null)
    {
        MoveTo(FileStatus.Synced, null, now);
        Sha256 = sha256;
        StoredETag = storedETag;
        ReleaseClaim();
        if (DerivativeSources.Accepts(ContentType))
        {
            MoveDerivativesTo(DerivativesStatus.Pending, null, now);
            DerivativesRequestedAt = UpdatedAt;
        }
    }

    /// <inheritdoc cref="FileRules.DerivativesClaimableAt"/>
    public bool CanDeriveNow(DateTimeOffset now) => FileRules.DerivativesClaimableAt.IsMetBy(this, now);

    /// <inheritdoc cref="FileRules.DerivativesHeldBy"/>
    public bool AreDerivativesHeldBy(Guid claim) => FileRules.DerivativesHeldBy.IsMetBy(this, claim);

    /// <summary>Whether <paramref name="maxAttempts"/> claims of the derivatives step were made without one finishing.</summary>
    public bool HasSpentDerivativesAttempts(int maxAttempts) => DerivativesAttempts >= maxAttempts;

    /// <summary>Takes the derivatives step under <paramref name="claim"/> until <paramref name="leaseExpiresAt"/>; each claim is an attempt.</summary>
    public void StartDerivatives(Guid claim, DateTimeOffset leaseExpiresAt, DateTimeOffset now)
    {
        if (!CanDeriveNow(now))
        {
            throw new InvalidDerivativesTransitionException(Id, Derivatives, DerivativesStatus.Making);
        }

        MoveDerivativesTo(DerivativesStatus.Making, Derivatives == DerivativesStatus.Making ? "taken back after its lease ran out" : null, now);
        DerivativesClaim = claim;
        DerivativesLeaseExpiresAt = Stored(leaseExpiresAt);
        DerivativesAttempts++;
        DerivativesRequestedAt = Stored(now);
    }

    /// <summary>Lets go of the step after a fault that may pass: the next delivery may take it at once.</summary>
    public void ReleaseDerivatives(Guid claim, DateTimeOffset now)
    {
        if (!AreDerivativesHeldBy(claim))
        {
            return;
        }

        DerivativesClaim = null;
        DerivativesLeaseExpiresAt = Stored(now);
    }

    public void CompleteDerivatives(DerivedContent content, DateTimeOffset now)
    {
        MoveDerivativesTo(DerivativesStatus.Ready, null, now);
        DerivedContent = content;
        DerivativesClaim = null;
        DerivativesLeaseExpiresAt = null;
    }

    /// <summary>FAILED derivatives, with the reason: the file itself stays SYNCED and is served as before.</summary>
    public void FailDerivatives(string reason, DateTimeOffset now)
    {
        MoveDerivativesTo(DerivativesStatus.Failed, reason, now);
        DerivativesFailureReason = reason;
        DerivativesClaim = null;
        DerivativesLeaseExpiresAt = null;
    }

    public void RecordDerivativesRequested(DateTimeOffset now) => DerivativesRequestedAt = Stored(now);

    void MoveDerivativesTo(DerivativesStatus to, string? reason, DateTimeOffset now)
    {
        if (Status != FileStatus.Synced || !DerivativesStateMachine.CanMove(Derivatives, to))
        {
            throw new InvalidDerivativesTransitionException(Id, Derivatives, to);
        }

        now = Stored(now);
        derivativesHistory.Add(new DerivativesTransition(Id, Derivatives, to, now, reason, CurrentTraceId()));
        Derivatives = to;
        UpdatedAt = now;
    }

    public void MarkFailed(string reason, DateTimeOffset now)
    {
        MoveTo(FileStatus.Failed, reason, now);
        FailureReason = reason;
        ReleaseClaim();
    }

    void MoveTo(FileStatus to, string? reason, DateTimeOffset now)
    {
        if (!FileStateMachine.CanMove(Status, to))
        {
            throw new InvalidFileTransitionException(Id, Status, to);
        }

        now = Stored(now);
        history.Add(new FileTransition(Id, Status, to, now, reason, CurrentTraceId()));
        Status = to;
        UpdatedAt = now;
    }

    /// <summary>PostgreSQL keeps microseconds: holding no finer time keeps what the API answers equal to what it stores.</summary>
    internal static DateTimeOffset Stored(DateTimeOffset time) => time.AddTicks(-(time.Ticks % TimeSpan.TicksPerMicrosecond));

    void ReleaseClaim()
    {
        SyncClaim = null;
        SyncLeaseExpiresAt = null;
    }

    internal static string? CurrentTraceId() => Activity.Current?.TraceId.ToHexString();
}
