using Amazon.Runtime;
using Amazon.S3;
using Aspire.Hosting;
using Uploads.Infrastructure.Storage;
using Uploads.Tests.Fixtures;

namespace Uploads.Benchmarks;

/// <summary>What the benchmark runs against: an isolated stack it starts from the AppHost (Aspire's testing builder), or a running API.</summary>
public sealed class Target : IAsyncDisposable
{
    readonly LocalStack? stack;

    Target(BenchmarkClient client, LocalStack? stack)
    {
        Client = client;
        this.stack = stack;
    }

    /// <summary>The tenant the benchmark uploads as.</summary>
    public const string Tenant = "bench";

    public BenchmarkClient Client { get; }

    /// <summary>The local stack's resources; null against a running API (then storage and memory figures are not measured).</summary>
    public StackResources? Resources => stack?.Resources;

    /// <summary>The upload page as a browser reaches it on the local stack (Aspire's proxy in front of the APIs); null against a running API.</summary>
    public string? PageUrl => stack is null ? null : $"http://localhost:{stack.Ports["api"]}";

    /// <summary>The proxies between the services and their backing services, when the stack was started for faults.</summary>
    public FaultProxies? Proxies => stack?.Proxies;

    /// <summary>Makes faults on this stack (started with fault proxies).</summary>
    public ChaosMonkey Monkey(int seed) => Proxies is null
        ? throw new InvalidOperationException("This stack has no fault proxies.")
        : new ChaosMonkey(stack!, seed);

    /// <summary>The process running <paramref name="resource"/> in the local stack.</summary>
    public int ProcessId(StackResource resource) => stack?.ProcessId(resource)
        ?? throw new InvalidOperationException($"{resource.Name} runs no process of this benchmark's.");

    public static Target Remote(Uri api, string token) => new(new BenchmarkClient(api, token), null);

    /// <summary>
    /// Starts an isolated stack. <paramref name="forFaults"/> puts fault proxies in front of the backing services, runs two
    /// workers and the test suite's fast recovery settings (seconds, not minutes), for the <c>chaos</c> scenario;
    /// <paramref name="scaledOut"/> runs two APIs and three workers, as the test suite's stack, for the <c>soak</c> scenario.
    /// </summary>
    public static async Task<Target> StartLocalAsync(CancellationToken cancellationToken, bool forFaults = false, bool scaledOut = false)
    {
        var stack = await LocalStack.StartAsync(apiReplicas: scaledOut ? 2 : 1, workerReplicas: scaledOut ? 3 : forFaults ? 2 : 1, withFaultProxies: forFaults, (projects, _) =>
        {
            if (forFaults)
            {
                FastRecovery.Apply(projects);
            }

            var api = projects["api"];
            // Server or workstation GC for the API alone, to compare their tails (docs/performance.md).
            if (Environment.GetEnvironmentVariable("UPLOADS_BENCH_API_GC_SERVER") is { } gcServer)
            {
                api.WithEnvironment("DOTNET_gcServer", gcServer);
            }

            // The benchmark measures the service, not its rate limits: raised by configuration, as production would for a load test.
            foreach (var policy in new[] { "Presign", "Confirm", "Read" })
            {
                api.WithEnvironment($"RateLimits__{policy}__PerSecond", "1000000").WithEnvironment($"RateLimits__{policy}__Burst", "1000000");
            }

            // Over capacity, files wait longer, and each holds an event stream open meanwhile: not the limit under test either.
            api.WithEnvironment("Events__MaxStreamsPerTenant", "100000");
            foreach (var project in projects.Values)
            {
                project.WithEnvironment("Logging__LogLevel__Default", "Warning");
            }
        }, cancellationToken);
        var token = stack.MintToken(Tenant, "bench", TimeSpan.FromHours(4));
        return new Target(new BenchmarkClient(new Uri(stack.Resources.Api.Url), token), stack);
    }

    public IAmazonS3? Storage()
    {
        if (Resources is null)
        {
            return null;
        }

        var storage = StorageConnection.Parse(Resources.Storage.ConnectionString);
        return new AmazonS3Client(new BasicAWSCredentials(storage.AccessKey, storage.SecretKey),
            new AmazonS3Config { ServiceURL = storage.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = storage.Region });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (stack is not null)
        {
            await stack.DisposeAsync();
        }
    }
}
