using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Uploads.Domain.Derivatives;

namespace Uploads.Infrastructure.Data.Configurations;

sealed class DerivativesTransitionConfiguration : IEntityTypeConfiguration<DerivativesTransition>
{
    public void Configure(EntityTypeBuilder<DerivativesTransition> transition)
    {
        transition.ToTable("derivatives_transitions");
        transition.HasKey(t => t.Id);
        transition.Property(t => t.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        transition.Property(t => t.FileId).HasColumnName("file_id");
        transition.Property(t => t.FromStatus).HasColumnName("from_status").IsRequired();
        transition.Property(t => t.Status).HasColumnName("status").IsRequired();
        transition.Property(t => t.At).HasColumnName("at");
        transition.Property(t => t.Reason).HasColumnName("reason").HasMaxLength(512);
        transition.Property(t => t.TraceId).HasColumnName("trace_id").HasMaxLength(32);
        transition.HasIndex(t => new { t.FileId, t.Id }).HasDatabaseName("ix_derivatives_transitions_file_id");
    }
}
