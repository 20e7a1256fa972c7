using Microsoft.EntityFrameworkCore;

namespace Uploads.Infrastructure.Data;

/// <summary>Opens the database for one tenant (the API) or, deliberately, for all of them (the worker).</summary>
public sealed class UploadsDatabases(IDbContextFactory<UploadsDbContext> factory)
{
    public async Task<UploadsDbContext> ForTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var db = await factory.CreateDbContextAsync(cancellationToken);
        // Contexts are pooled: both settings are made on every lease, so none carries what its last user set.
        db.TenantId = tenantId;
        db.AllTenants = false;
        return db;
    }

    /// <summary>
    /// For inserting new files of several tenants together (the API's group commit): each file carries its tenant, and
    /// nothing is read through it.
    /// </summary>
    public Task<UploadsDbContext> ForNewFilesAsync(CancellationToken cancellationToken) => ForAllTenantsAsync(cancellationToken);

    /// <summary>System work across tenants: syncing, reconciling. Never for serving a request.</summary>
    public async Task<UploadsDbContext> ForAllTenantsAsync(CancellationToken cancellationToken)
    {
        var db = await factory.CreateDbContextAsync(cancellationToken);
        db.TenantId = null;
        db.AllTenants = true;
        return db;
    }
}
