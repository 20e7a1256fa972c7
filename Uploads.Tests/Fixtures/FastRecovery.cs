using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// The reconciler, leases and redeliveries on a scale of seconds instead of minutes, so that recovery is watched in a
/// test or a chaos run rather than waited for. Production keeps the defaults.
/// </summary>
public static class FastRecovery
{
    /// <summary>How long after its URL expired a PENDING upload is still confirmable, here; production uses minutes.</summary>
    public const string ExpiryGrace = "00:00:02";

    public static void Apply(IReadOnlyDictionary<string, IResourceBuilder<ProjectResource>> projects)
    {
        // A database outage reaches the callers (503, a redelivery) in seconds rather than after EF Core's minute of retries.
        foreach (var project in projects.Values)
        {
            project.WithEnvironment("Database__MaxRetryCount", "3")
                .WithEnvironment("Database__MaxRetryDelay", "00:00:01");
        }

        projects["worker"].WithEnvironment("Reconciler__Interval", "00:00:00.500")
            .WithEnvironment("Reconciler__RepublishAfter", "00:00:03")
            .WithEnvironment("Reconciler__ExpiryGrace", ExpiryGrace)
            .WithEnvironment("Sync__Lease", "00:00:06")
            .WithEnvironment("Sync__StopTimeout", "00:00:00.500")
            .WithEnvironment("Derivatives__Lease", "00:00:20")
            .WithEnvironment("Derivatives__TimeLimit", "00:00:15")
            .WithEnvironment("Sync__RetriesInPlace", "3")
            .WithEnvironment("Sync__RetryMaxInterval", "00:00:01")
            .WithEnvironment("Sync__RedeliveryDelays__0", "00:00:01")
            .WithEnvironment("Sync__RedeliveryDelays__1", "00:00:01")
            .WithEnvironment("Sync__RedeliveryDelays__2", "00:00:01")
            // The worker retries and redelivers on its own; the storage client's backoff on top would stretch an outage's tests to a minute.
            .WithEnvironment("Storage__MaxErrorRetry", "1");

        projects["api"].WithEnvironment("Uploads__ConfirmationGrace", ExpiryGrace)
            .WithEnvironment("Uploads__PublishTimeout", "00:00:01");
    }
}
