using Uploads.Infrastructure.Security;
using Uploads.Infrastructure.Storage;

namespace Uploads.Api.Security;

/// <summary>Refuses to start in Production with what is only fit for a developer's machine.</summary>
public static class ProductionSafety
{
    static readonly HashSet<string> DefaultStorageCredentials = ["S3RVER", "minioadmin", "uploads-dev", "uploads-dev-secret"];

    public static IHostApplicationBuilder EnsureSafeForProduction(this IHostApplicationBuilder builder)
    {
        if (!builder.Environment.IsProduction())
        {
            return builder;
        }

        var problems = new List<string>();
        var tokens = builder.Configuration.GetSection(TokenOptions.Section).Get<TokenOptions>() ?? new TokenOptions();
        if (tokens.DevelopmentKeys)
        {
            problems.Add("the token signing keys are development keys (Authentication:Tokens:DevelopmentKeys)");
        }

        if (builder.Configuration.GetConnectionString(StorageOptions.ConnectionName) is { } storage
            && StorageConnection.Parse(storage) is var connection
            && (DefaultStorageCredentials.Contains(connection.AccessKey) || DefaultStorageCredentials.Contains(connection.SecretKey)))
        {
            problems.Add("the storage credentials are a well-known default");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Refusing to run in Production: {string.Join("; ", problems)}.");
        }

        return builder;
    }
}
