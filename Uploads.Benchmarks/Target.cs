using Amazon.Runtime;
using Amazon.S3;
using Uploads.AppHost;
using Uploads.AppHost.ApplicationModel;
using Uploads.AppHost.Orchestration;
using Uploads.AppHost.Tokens;
using Uploads.Infrastructure.Storage;
using Uploads.Tests.Fixtures;

namespace Uploads.Benchmarks;

/// <summary>What the benchmark runs against: an isolated stack it starts through the AppHost's hosting code, or a running API.</summary>
public sealed class Target : IAsyncDisposable
{
    readonly DistributedApplication? app;
    readonly string? stateDirectory;

    Target(BenchmarkClient client, UploadsResources? resources, DistributedApplication? app, string? stateDirectory, FaultProxies? proxies = null)
    {
        Client = client;
        Resources = resources;
        this.app = app;
        this.stateDirectory = stateDirectory;
        Proxies = proxies;
    }

    /// <summary>The tenant the benchmark uploads as.</summary>
    public const string Tenant = "bench";

    public BenchmarkClient Client { get; }

    /// <summary>The local stack's resources; null against a running API (then storage and memory figures are not measured).</summary>
    public UploadsResources? Resources { get; }

    /// <summary>The proxies between the services and their backing services, when the stack was started for faults.</summary>
    public FaultProxies? Proxies { get; }

    /// <summary>Makes faults on this stack (started with fault proxies).</summary>
    public ChaosMonkey Monkey(int seed) => new(app!, Resources!, Proxies ?? throw new InvalidOperationException("This stack has no fault proxies."), seed);

    /// <summary>The process running <paramref name="resource"/> in the local stack.</summary>
    public int ProcessId(Resource resource) => app?.Runner(resource).Process?.Id
        ?? throw new InvalidOperationException($"{resource.Name} runs no process of this benchmark's.");

    public static Target Remote(Uri api, string token) => new(new BenchmarkClient(api, token), null, null, null);

    /// <summary>
    /// Starts an isolated stack. <paramref name="forFaults"/> puts fault proxies in front of the backing services, runs two
    /// workers and the test suite's fast recovery settings (seconds, not minutes), for the <c>chaos</c> scenario.
    /// </summary>
    public static async Task<Target> StartLocalAsync(Action<string> log, CancellationToken cancellationToken, bool forFaults = false)
    {
        var stateDirectory = Directory.CreateTempSubdirectory("uploads-bench-").FullName;
        var builder = new DistributedApplicationBuilder(new DistributedApplicationOptions { StateDirectory = stateDirectory, Log = log });
        var resources = builder.AddUploads(workerReplicas: forFaults ? 2 : 1);
        var proxies = forFaults ? FaultProxies.RouteThrough(resources) : null;
        if (forFaults)
        {
            FastRecovery.Apply(resources);
        }

        // Server or workstation GC for the API alone, to compare their tails (see the README's issue 17 section).
        if (Environment.GetEnvironmentVariable("UPLOADS_BENCH_API_GC_SERVER") is { } gcServer)
        {
            resources.Api.WithEnvironment("DOTNET_gcServer", gcServer);
        }

        // The benchmark measures the service, not its rate limits: raised by configuration, as production would for a load test.
        foreach (var policy in new[] { "Presign", "Confirm", "Read" })
        {
            resources.Api.WithEnvironment($"RateLimits__{policy}__PerSecond", "1000000").WithEnvironment($"RateLimits__{policy}__Burst", "1000000");
        }

        // Over capacity, files wait longer, and each holds an event stream open meanwhile: not the limit under test either.
        resources.Api.WithEnvironment("Events__MaxStreamsPerTenant", "100000");
        resources.Api.WithEnvironment("Logging__LogLevel__Default", "Warning");
        foreach (var worker in resources.Workers)
        {
            worker.WithEnvironment("Logging__LogLevel__Default", "Warning");
        }

        var app = builder.Build();
        await app.StartAsync(cancellationToken);
        var token = DevelopmentSigningKey.MintToken(stateDirectory, Tenant, "bench", TimeSpan.FromHours(4));
        return new Target(new BenchmarkClient(new Uri(resources.Api.Url), token), resources, app, stateDirectory, proxies);
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
        if (app is not null)
        {
            await app.StopAsync();
            Directory.Delete(stateDirectory!, recursive: true);
        }

        if (Proxies is not null)
        {
            await Proxies.DisposeAsync();
        }
    }

}
