using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Uploads.Infrastructure.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database.</summary>
sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<UploadsDbContext>
{
    public UploadsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<UploadsDbContext>().UseNpgsql("Host=localhost;Database=uploads").Options);
}
