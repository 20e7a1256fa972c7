using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Uploads.Domain.Batches;
using Uploads.Domain.Files;

namespace Uploads.Infrastructure.Data.Configurations;

sealed class BatchConfiguration : IEntityTypeConfiguration<Batch>
{
    public void Configure(EntityTypeBuilder<Batch> batch)
    {
        batch.ToTable("batches");
        batch.HasKey(b => b.Id);
        batch.Property(b => b.Id).HasColumnName("id").ValueGeneratedNever();
        batch.Property(b => b.TenantId).HasColumnName("tenant_id").HasMaxLength(64).IsRequired();
        batch.Property(b => b.ExternalId).HasColumnName("external_id").HasMaxLength(128);
        batch.Property(b => b.CreatedAt).HasColumnName("created_at");

        batch.HasIndex(b => new { b.TenantId, b.ExternalId }).IsUnique()
            .HasFilter("external_id IS NOT NULL")
            .HasDatabaseName(DatabaseNames.BatchExternalIdIndex);
        batch.HasIndex(b => new { b.TenantId, b.CreatedAt, b.Id }).IsDescending(false, true, true).HasDatabaseName("ix_batches_created_at_id");
    }
}

sealed class BatchFileConfiguration : IEntityTypeConfiguration<BatchFile>
{
    public void Configure(EntityTypeBuilder<BatchFile> member)
    {
        member.ToTable("batch_files");
        member.HasKey(m => new { m.BatchId, m.FileId });
        member.Property(m => m.BatchId).HasColumnName("batch_id");
        member.Property(m => m.FileId).HasColumnName("file_id");
        member.Property(m => m.TenantId).HasColumnName("tenant_id").HasMaxLength(64).IsRequired();
        member.Property(m => m.AddedAt).HasColumnName("added_at");

        member.HasOne<Batch>().WithMany().HasForeignKey(m => m.BatchId).OnDelete(DeleteBehavior.Cascade);
        member.HasOne<FileRecord>().WithMany().HasForeignKey(m => m.FileId).OnDelete(DeleteBehavior.Cascade);
        member.HasIndex(m => m.FileId).HasDatabaseName("ix_batch_files_file_id");
    }
}
