using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Uploads.Api.Problems;
using Uploads.Api.Uploads;
using Uploads.Domain.Batches;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Infrastructure.Storage;

namespace Uploads.Api.Batches;

/// <summary>
/// Files uploaded as one batch: every new file and its membership are recorded in one transaction, before any URL is
/// signed; content already SYNCED joins the batch deduplicated, and a PENDING upload of the same digest joins it with
/// its URLs renewed (and, in parts, the parts storage already holds), which is how a client resumes a batch.
/// </summary>
public sealed class BatchUploads(
    UploadsDatabases databases,
    UploadRecords records,
    PresignedUploads presigned,
    MultipartUploads multipart,
    ObjectStorage storage,
    IOptions<UploadOptions> options,
    TimeProvider clock)
{
    const int Attempts = 3;
    const int ParallelStorageCalls = 8;
    readonly UploadOptions options = options.Value;

    /// <summary>A new batch with these files; or, when the tenant has a batch of this external id, the files added to it.</summary>
    public async Task<BatchAddition> OpenAsync(string tenantId, string? externalId, IReadOnlyList<ValidatedUpload> files, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = externalId is null ? null : await FindAsync(tenantId, b => b.ExternalId == externalId, cancellationToken);
            var batch = existing ?? Batch.Open(Guid.CreateVersion7(clock.GetUtcNow()), tenantId, externalId, clock.GetUtcNow());
            try
            {
                return new BatchAddition(batch, IsNew: existing is null, await AddFilesAsync(tenantId, batch, existing is null, files, cancellationToken));
            }
            catch (DbUpdateException ex) when (IsUniqueViolation(ex, DatabaseNames.BatchExternalIdIndex) && attempt < Attempts)
            {
                // A concurrent request opened the batch of this name first: the files go into that one.
            }
        }
    }

    /// <summary>The files added to the tenant's batch; null when it has no such batch.</summary>
    public async Task<BatchAddition?> AddAsync(string tenantId, Guid batchId, IReadOnlyList<ValidatedUpload> files, CancellationToken cancellationToken) =>
        await FindAsync(tenantId, b => b.Id == batchId, cancellationToken) is { } batch
            ? new BatchAddition(batch, IsNew: false, await AddFilesAsync(tenantId, batch, isNew: false, files, cancellationToken))
            : null;

    async Task<Batch?> FindAsync(string tenantId, System.Linq.Expressions.Expression<Func<Batch, bool>> which, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        return await db.Batches.AsNoTracking().SingleOrDefaultAsync(which, cancellationToken);
    }

    async Task<IReadOnlyList<BatchFileTicket>> AddFilesAsync(
        string tenantId, Batch batch, bool isNew, IReadOnlyList<ValidatedUpload> files, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var plan = await PlanAsync(tenantId, files, cancellationToken);
            try
            {
                await RecordAsync(tenantId, batch, isNew, plan, cancellationToken);
            }
            catch (Exception ex)
            {
                await DiscardUnrecordedUploadsAsync(tenantId, plan);
                // Another request declared one of these digests, or added one of these files, meanwhile: planned
                // again, the request finds that file.
                if (ex is DbUpdateException update && IsUniqueViolation(update) && !IsUniqueViolation(update, DatabaseNames.BatchExternalIdIndex)
                    && attempt < Attempts)
                {
                    continue;
                }

                throw;
            }

            return await TicketsAsync(tenantId, plan, cancellationToken);
        }
    }

    /// <summary>What each file of the request becomes; new multipart files have their upload started in storage.</summary>
    async Task<IReadOnlyList<PlannedFile>> PlanAsync(string tenantId, IReadOnlyList<ValidatedUpload> files, CancellationToken cancellationToken)
    {
        var digests = files.Select(f => f.Sha256).OfType<string>().Distinct().ToList();
        (ILookup<string, FileRecord> Synced, IReadOnlyDictionary<string, FileRecord> Pending) found = digests.Count > 0
            ? await records.FindByDigestsAsync(tenantId, digests, cancellationToken)
            : (Array.Empty<FileRecord>().ToLookup(f => f.Id.ToString()), new Dictionary<string, FileRecord>());
        var (synced, pending) = found;

        var byDigest = new Dictionary<string, PlannedFile>();
        var plan = new List<PlannedFile>(files.Count);
        foreach (var upload in files)
        {
            plan.Add(upload.Sha256 is not { } digest ? PlannedFile.New(upload, records.Allocate(tenantId))
                : synced[digest].FirstOrDefault(f => f.Size == upload.Size) is { } content ? PlannedFile.Deduplicated(upload, content)
                : byDigest.TryGetValue(digest, out var same) ? Same(same, upload)
                : pending.TryGetValue(digest, out var waiting) ? byDigest[digest] = Same(PlannedFile.Pending(upload, waiting), upload)
                : byDigest[digest] = PlannedFile.New(upload, records.Allocate(tenantId)));
        }

        await Parallel.ForEachAsync(
            plan.Where(p => p.Allocated is not null).Distinct(),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelStorageCalls, CancellationToken = cancellationToken },
            async (planned, token) =>
            {
                var inParts = planned.Upload.Size > options.MultipartPartBytes;
                var uploadId = inParts ? await storage.StartMultipartUploadAsync(planned.Allocated!.UploadKey, planned.Upload.ContentType, token) : null;
                planned.File = records.NewPending(
                    tenantId, planned.Allocated!, planned.Upload, inParts ? options.MultipartUploadLifetime : options.UploadUrlLifetime, uploadId);
            });
        return plan;

        // Two files of one digest are one file, as long as they agree on its size.
        static PlannedFile Same(PlannedFile planned, ValidatedUpload upload)
        {
            var size = planned.File is { } file ? file.DeclaredSize : planned.Upload.Size;
            return size == upload.Size ? planned : PlannedFile.Refused(upload, new ConfirmationError(ProblemCodes.DigestConflict, planned.File is { } waiting
                ? $"File {waiting.Id} already waits for this digest with a declared size of {size?.ToString() ?? "none"}."
                : "Another file of this request has this digest with another size."));
        }
    }

    async Task RecordAsync(string tenantId, Batch batch, bool isNew, IReadOnlyList<PlannedFile> plan, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        if (isNew)
        {
            db.Batches.Add(batch);
        }

        var distinct = plan.Distinct().ToList();
        db.Files.AddRange(distinct.Where(p => p.Allocated is not null).Select(p => p.File!));
        var memberIds = distinct.Where(p => p.File is not null).Select(p => p.File!.Id).ToList();
        var members = isNew ? [] : await db.BatchFiles
            .Where(m => m.BatchId == batch.Id && memberIds.Contains(m.FileId))
            .Select(m => m.FileId)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        db.BatchFiles.AddRange(memberIds.Except(members).Select(fileId => BatchFile.Add(batch.Id, fileId, tenantId, now)));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Aborts the multipart uploads this attempt started for files that were not recorded. A file may be recorded even
    /// though the save failed (the commit went through and only its answer was lost): its upload is kept.
    /// </summary>
    async Task DiscardUnrecordedUploadsAsync(string tenantId, IReadOnlyList<PlannedFile> plan)
    {
        var started = plan.Distinct().Where(p => p.Allocated is not null && p.File?.MultipartUploadId is not null).Select(p => p.File!).ToList();
        if (started.Count == 0)
        {
            return;
        }

        var ids = started.Select(f => f.Id).ToList();
        await using var db = await databases.ForTenantAsync(tenantId, CancellationToken.None);
        var recorded = await db.Files.Where(f => ids.Contains(f.Id)).Select(f => f.Id).ToListAsync(CancellationToken.None);
        foreach (var file in started.Where(f => !recorded.Contains(f.Id)))
        {
            await storage.AbortMultipartUploadAsync(file.UploadKey, file.MultipartUploadId!, CancellationToken.None);
        }
    }

    async Task<IReadOnlyList<BatchFileTicket>> TicketsAsync(string tenantId, IReadOnlyList<PlannedFile> plan, CancellationToken cancellationToken)
    {
        var issued = new Dictionary<PlannedFile, (UploadTicket? Upload, MultipartUploadTicket? Multipart)>();
        var tickets = new List<BatchFileTicket>(plan.Count);
        for (var index = 0; index < plan.Count; index++)
        {
            var planned = plan[index];
            if (planned.Error is { } error)
            {
                tickets.Add(new BatchFileTicket(index, null, null, Deduplicated: false, null, null, error));
                continue;
            }

            var file = planned.File!;
            if (planned.IsDeduplicated)
            {
                tickets.Add(new BatchFileTicket(index, file.Id, file.Status, Deduplicated: true, null, null, null));
                continue;
            }

            if (!issued.TryGetValue(planned, out var ticket))
            {
                ticket = (file.MultipartUploadId, planned.Allocated) switch
                {
                    (null, null) => (await presigned.ReissueAsync(tenantId, file.Id, planned.Upload.Method, cancellationToken), null),
                    (null, _) => (await presigned.TicketAsync(file, planned.Upload.Method), null),
                    (_, null) => (null, await multipart.ResumeAsync(tenantId, file, cancellationToken)),
                    _ => (null, await multipart.TicketAsync(file, new Dictionary<int, StoredPart>())),
                };
                issued[planned] = ticket;
            }

            var status = ticket.Upload?.Status ?? ticket.Multipart!.Status;
            tickets.Add(new BatchFileTicket(index, file.Id, status, Deduplicated: false, ticket.Upload, ticket.Multipart, null));
        }

        return tickets;
    }

    static bool IsUniqueViolation(DbUpdateException ex, string? constraint = null) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } violation
        && (constraint is null || violation.ConstraintName == constraint);

    /// <summary>
    /// What one file of the request becomes: a new file (<see cref="Allocated"/>, its record made once planned), the
    /// PENDING file of its digest, the SYNCED file of its content, or a refusal.
    /// </summary>
    sealed class PlannedFile(ValidatedUpload upload)
    {
        public ValidatedUpload Upload { get; } = upload;
        public NewFile? Allocated { get; private init; }
        public FileRecord? File { get; set; }
        public bool IsDeduplicated { get; private init; }
        public ConfirmationError? Error { get; private init; }

        public static PlannedFile New(ValidatedUpload upload, NewFile allocated) => new(upload) { Allocated = allocated };
        public static PlannedFile Pending(ValidatedUpload upload, FileRecord file) => new(upload) { File = file };
        public static PlannedFile Deduplicated(ValidatedUpload upload, FileRecord file) => new(upload) { File = file, IsDeduplicated = true };
        public static PlannedFile Refused(ValidatedUpload upload, ConfirmationError error) => new(upload) { Error = error };
    }
}

/// <param name="Batch">The batch the files went into.</param>
/// <param name="IsNew">Whether this request opened the batch.</param>
/// <param name="Files">Each file of the request, in its order.</param>
public sealed record BatchAddition(Batch Batch, bool IsNew, IReadOnlyList<BatchFileTicket> Files);
