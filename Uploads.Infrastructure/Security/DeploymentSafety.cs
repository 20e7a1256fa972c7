using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using Uploads.Infrastructure.Caching;
using Uploads.Infrastructure.Messaging;
using Uploads.Infrastructure.Storage;

namespace Uploads.Infrastructure.Security;

/// <summary>
/// Refuses to start with what is only fit for a developer's machine, in every environment but Development (Staging
/// and any other name included): development signing keys, well-known storage credentials, RabbitMQ's <c>guest</c>,
/// a Redis without a password. The API and the worker both run it before anything else.
/// </summary>
public static class DeploymentSafety
{
    static readonly HashSet<string> DefaultStorageCredentials = ["S3RVER", "minioadmin", "uploads-dev", "uploads-dev-secret"];

    public static IHostApplicationBuilder EnsureSafeOutsideDevelopment(this IHostApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment())
        {
            return builder;
        }

        var problems = Problems(builder.Configuration).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"Refusing to run in {builder.Environment.EnvironmentName}: {string.Join("; ", problems)}. Only Development allows these.");
        }

        return builder;
    }

    static IEnumerable<string> Problems(IConfiguration configuration)
    {
        if (configuration.GetSection(TokenOptions.Section).Get<TokenOptions>() is { DevelopmentKeys: true })
        {
            yield return "the token signing keys are development keys (Authentication:Tokens:DevelopmentKeys)";
        }

        if (configuration.GetConnectionString(StorageOptions.ConnectionName) is { } storage
            && StorageConnection.Parse(storage) is var connection
            && (DefaultStorageCredentials.Contains(connection.AccessKey) || DefaultStorageCredentials.Contains(connection.SecretKey)))
        {
            yield return "the storage credentials are a well-known default";
        }

        if (configuration.GetConnectionString(MessagingExtensions.ConnectionName) is { } messaging
            && Uri.TryCreate(messaging, UriKind.Absolute, out var broker)
            && MessagingExtensions.Credentials(broker) is var (username, password)
            && (username == "guest" || password == "guest"))
        {
            yield return "the broker is reached as RabbitMQ's well-known guest user";
        }

        if (configuration.GetConnectionString(ContentCacheOptions.ConnectionName) is { } cache
            && string.IsNullOrEmpty(ConfigurationOptions.Parse(cache, ignoreUnknown: true).Password))
        {
            yield return "the cache is reached without a password";
        }

        if (configuration.GetValue<bool>("Webhooks:AllowInsecureTargets"))
        {
            yield return "webhooks may be sent over http and to private addresses (Webhooks:AllowInsecureTargets)";
        }
    }
}
