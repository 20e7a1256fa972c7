using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Uploads.Domain.Derivatives;
using Uploads.Domain.Files;

namespace Uploads.Infrastructure.Data.Configurations;

sealed class FileRecordConfiguration : IEntityTypeConfiguration<FileRecord>
{
    public void Configure(EntityTypeBuilder<FileRecord> file)
    {
        file.ToTable("files", table =>
        {
            table.HasCheckConstraint("ck_files_status", $"status IN ({string.Join(", ", StatusNames.All.Select(s => $"'{s}'"))})");
            table.HasCheckConstraint("ck_files_sizes", "(size IS NULL OR size >= 0) AND (declared_size IS NULL OR declared_size >= 0)");
            table.HasCheckConstraint("ck_files_synced_has_digest", "status <> 'SYNCED' OR sha256 IS NOT NULL");
            table.HasCheckConstraint("ck_files_derivatives_status", "derivatives_status IN ('NONE', 'PENDING', 'MAKING', 'READY', 'FAILED')");
            table.HasCheckConstraint("ck_files_derivatives_after_sync", "derivatives_status = 'NONE' OR status = 'SYNCED'");
        });

        file.HasKey(f => f.Id);
        file.Property(f => f.Id).HasColumnName("id").ValueGeneratedNever();
        file.Property(f => f.TenantId).HasColumnName("tenant_id").HasMaxLength(64).IsRequired();
        file.Property(f => f.Filename).HasColumnName("filename").HasMaxLength(255).IsRequired();
        file.Property(f => f.ExternalId).HasColumnName("external_id").HasMaxLength(128);
        file.Property(f => f.ContentType).HasColumnName("content_type").HasMaxLength(255).IsRequired();
        file.Property(f => f.ObjectKey).HasColumnName("object_key").HasMaxLength(1024).IsRequired();
        file.Ignore(f => f.UploadKey);
        file.Property(f => f.DeclaredSize).HasColumnName("declared_size");
        file.Property(f => f.DeclaredSha256).HasColumnName("declared_sha256").HasMaxLength(64).IsFixedLength();
        file.Property(f => f.Size).HasColumnName("size");
        file.Property(f => f.Sha256).HasColumnName("sha256").HasMaxLength(64).IsFixedLength();
        file.Property(f => f.StoredETag).HasColumnName("stored_etag").HasMaxLength(200);
        file.Property(f => f.UploadKeyClearedAt).HasColumnName("upload_key_cleared_at");
        file.Property(f => f.Status).HasColumnName("status").IsRequired();
        file.Property(f => f.FailureReason).HasColumnName("failure_reason").HasMaxLength(512);
        file.Property(f => f.CreatedAt).HasColumnName("created_at");
        file.Property(f => f.UpdatedAt).HasColumnName("updated_at");
        file.Property(f => f.UploadExpiresAt).HasColumnName("upload_expires_at");
        file.Property(f => f.MultipartUploadId).HasColumnName("multipart_upload_id").HasMaxLength(1024);
        file.Property(f => f.SyncClaim).HasColumnName("sync_claim");
        file.Property(f => f.SyncLeaseExpiresAt).HasColumnName("sync_lease_expires_at");
        file.Property(f => f.FailedDeliveries).HasColumnName("failed_deliveries");
        file.Property(f => f.SyncRequestedAt).HasColumnName("sync_requested_at");
        file.Property(f => f.Derivatives).HasColumnName("derivatives_status").HasDefaultValue(DerivativesStatus.None).HasSentinel(DerivativesStatus.None);
        file.Property(f => f.DerivativesFailureReason).HasColumnName("derivatives_failure_reason").HasMaxLength(512);
        file.Property(f => f.DerivedContent).HasColumnName("derived_content").HasColumnType("jsonb").HasConversion<DerivedContentConverter>();
        file.Property(f => f.DerivativesClaim).HasColumnName("derivatives_claim");
        file.Property(f => f.DerivativesLeaseExpiresAt).HasColumnName("derivatives_lease_expires_at");
        file.Property(f => f.DerivativesAttempts).HasColumnName("derivatives_attempts");
        file.Property(f => f.DerivativesRequestedAt).HasColumnName("derivatives_requested_at");
        file.Property(f => f.Version).IsRowVersion();

        file.HasIndex(f => f.ObjectKey).IsUnique().HasDatabaseName("ux_files_object_key");
        file.HasIndex(f => new { f.Status, f.UpdatedAt }).HasDatabaseName("ix_files_status_updated_at");
        // The reconciler's look for derivatives waiting too long: a handful of rows, never the whole table.
        file.HasIndex(f => f.DerivativesRequestedAt)
            .HasFilter("derivatives_status IN ('PENDING', 'MAKING')")
            .HasDatabaseName("ix_files_derivatives_due");
        // A tenant's listings: newest first, whole or by external id or status, paged on (created_at, id).
        file.HasIndex(f => new { f.TenantId, f.CreatedAt, f.Id }).IsDescending(false, true, true).HasDatabaseName("ix_files_created_at_id");
        file.HasIndex(f => new { f.TenantId, f.ExternalId, f.CreatedAt, f.Id }).IsDescending(false, false, true, true).HasDatabaseName("ix_files_external_id");
        file.HasIndex(f => new { f.TenantId, f.Status, f.CreatedAt, f.Id }).IsDescending(false, false, true, true).HasDatabaseName("ix_files_status_created_at_id");

        // Deduplication, within a tenant: at most one PENDING upload per digest (concurrent identical requests create
        // one record), and a quick look-up of SYNCED content by digest.
        file.HasIndex(f => new { f.TenantId, f.DeclaredSha256 }).IsUnique()
            .HasFilter("status = 'PENDING' AND declared_sha256 IS NOT NULL")
            .HasDatabaseName(DatabaseNames.PendingDigestIndex);
        file.HasIndex(f => new { f.TenantId, f.Sha256, f.Size })
            .HasFilter("status = 'SYNCED'")
            .HasDatabaseName("ix_files_synced_sha256");

        // The reconciler's look for settled files whose upload key it has not emptied yet: a handful at any time, so the
        // index holds only those (FileRules.UploadKeyUnclearedAfterExpiryBefore is the rule; this only keeps it cheap).
        file.HasIndex(f => f.UploadExpiresAt)
            .HasFilter("upload_key_cleared_at IS NULL AND status IN ('SYNCED', 'FAILED', 'EXPIRED')")
            .HasDatabaseName("ix_files_upload_key_uncleared");

        file.HasMany(f => f.History)
            .WithOne()
            .HasForeignKey(t => t.FileId)
            .OnDelete(DeleteBehavior.Cascade);
        file.Navigation(f => f.History).HasField("history").UsePropertyAccessMode(PropertyAccessMode.Field);
        file.HasMany(f => f.DerivativesHistory)
            .WithOne()
            .HasForeignKey(t => t.FileId)
            .OnDelete(DeleteBehavior.Cascade);
        file.Navigation(f => f.DerivativesHistory).HasField("derivativesHistory").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
