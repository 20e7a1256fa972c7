using Amazon.Runtime;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using StackExchange.Redis;

namespace Uploads.Api.Problems;

/// <summary>Tells a dependency that is down or restarting (answer 503, try again) from a bug (answer 500).</summary>
public static class DependencyOutage
{
    public static bool IsOutage(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true } or RetryLimitExceededException or TimeoutException
                or RedisConnectionException or HttpRequestException
                or AmazonServiceException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError }
                or AmazonClientException)
            {
                return true;
            }
        }

        return false;
    }
}
