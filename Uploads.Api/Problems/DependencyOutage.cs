using Amazon.Runtime;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using StackExchange.Redis;
using Uploads.Api.Uploads;

namespace Uploads.Api.Problems;

/// <summary>Tells a dependency that is down or restarting (answer 503, try again) from a bug (answer 500).</summary>
public static class DependencyOutage
{
    public static bool IsOutage(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            // Any Npgsql failure that is not PostgreSQL's own answer is about the link to the database (a connection
            // reset mid-command leaves errors Npgsql does not mark transient); what PostgreSQL itself refuses (a
            // constraint, bad SQL) is a fault of ours unless PostgreSQL says it is transient.
            if (current is NpgsqlException and not PostgresException or PostgresException { IsTransient: true }
                or RetryLimitExceededException or TimeoutException or System.IO.IOException or System.Net.Sockets.SocketException
                or RedisConnectionException or HttpRequestException
                or AmazonServiceException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError }
                or AmazonClientException
                // A group commit's write was not made, whatever the cause: each of its requests may be sent again.
                or GroupCommitFailedException)
            {
                return true;
            }
        }

        return false;
    }
}
