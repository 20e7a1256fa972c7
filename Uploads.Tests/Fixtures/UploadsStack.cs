using Uploads.AppHost;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;
using Uploads.AppHost.Resources;
using Uploads.AppHost.Tokens;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Infrastructure.Storage;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// The whole system, started once for the test run by Aspire's testing builder from <c>Uploads.AppHost</c>: real
/// PostgreSQL, s3rver, Redis, RabbitMQ, clamd, two APIs and three workers, in a temporary folder on free ports, so it
/// can run beside <c>./run.sh</c>. A missing service makes every test that uses the stack fail; nothing is skipped.
/// </summary>
public sealed class UploadsStack : IAsyncLifetime
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    /// <summary>Event streams a tenant may hold open here (the API's default is 100).</summary>
    public const int MaxEventStreamsPerTenant = 10;

    /// <summary>The tenant <see cref="Client"/> calls as.</summary>
    public const string Tenant = "tests";

    /// <summary>The one tenant whose policy allows active content (SVG, HTML, XML).</summary>
    public const string ActiveContentTenant = "active-ok";

    /// <summary>A web frontend on another origin that the APIs let call them from the browser (<c>Cors:AllowedOrigins</c>).</summary>
    public const string FrontendOrigin = "https://frontend.example";

    /// <summary>Deliveries failed for good in a row that disable a webhook subscription, in this stack.</summary>
    public const int WebhookFailuresToDisable = 2;

    /// <summary>The bucket the AppHost gives the services.</summary>
    public const string Bucket = Uploads.AppHost.BackingServices.Bucket;

    /// <summary>The token storage sends its object events with, here (the AppHost makes one per run).</summary>
    public const string StorageEventsSecret = "storage-events-secret-of-the-tests-0123456789";

    MetricsCollector metrics = null!;

    /// <summary>The AppHost as Aspire's testing builder runs it, with what Aspire knows of its resources.</summary>
    public LocalStack Local { get; private set; } = null!;

    public string StateDirectory => Local.StateDirectory;
    public DistributedApplication App => Local.App;
    public StackResources Resources => Local.Resources;
    public UploadsClient Client { get; private set; } = null!;

    /// <summary>The API as a browser reaches it: Aspire's proxy in front of the replicas, an origin storage's CORS allows.</summary>
    public string ApiUrl => $"http://localhost:{Local.Ports["api"]}";
    public IConnectionMultiplexer Redis { get; private set; } = null!;
    public IAmazonS3 Storage { get; private set; } = null!;

    /// <summary>Aspire's dashboard (its telemetry API), and the metrics the services exported.</summary>
    public DashboardClient Dashboard { get; private set; } = null!;

    /// <summary>What the services reach their backing services through: a test makes a fault here and reads what the proxy did.</summary>
    public FaultProxies Proxies => Local.Proxies!;

    /// <summary>Part PUTs counted at storage, and parts it refuses once when told.</summary>
    public StorageFaults StorageFaults { get; private set; } = null!;
    public FaultProxy StorageProxy => Proxies.Storage;
    public FaultProxy DatabaseProxy => Proxies.Database;
    public FaultProxy BrokerProxy => Proxies.Broker;
    public FaultProxy CacheProxy => Proxies.Cache;

    public async ValueTask InitializeAsync()
    {
        metrics = await MetricsCollector.StartAsync(FreePorts.Next());
        using var timeout = new CancellationTokenSource(StartTimeout);
        // Two APIs share the database and the broker, and three workers compete for every message, as in production.
        Local = await LocalStack.StartAsync(apiReplicas: 2, workerReplicas: 3, withFaultProxies: true, (projects, storage) =>
        {
            // The reconciler and leases run fast, so that recovery tests wait seconds, not minutes.
            FastRecovery.Apply(projects);
            StorageFaults = StorageFaults.LoadInto(storage);
            storage.WithEnvironment(StorageServerResource.EventsSecretVariable, StorageEventsSecret);
            foreach (var project in projects.Values)
            {
                // Metrics go to the tests' collector instead of the dashboard, whose telemetry API does not serve them.
                // Every second, as Aspire has a Development AppHost's projects export, so that a test waits seconds, not a minute.
                project.WithEnvironment("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", metrics.Url)
                    .WithEnvironment("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/protobuf")
                    .WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", "1000")
                    .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "1000")
                    // Classes run side by side: a burst of requests must not overflow the exporter's queue (2,048 spans by
                    // default), or the spans a test looks for are dropped.
                    .WithEnvironment("OTEL_BSP_MAX_QUEUE_SIZE", "65536")
                    .WithEnvironment("OTEL_BLRP_SCHEDULE_DELAY", "1000");
            }

            projects["worker"].WithEnvironment("Sync__ActiveContentTenants__0", ActiveContentTenant);
            projects["api"].WithEnvironment("Events__MaxStreamsPerTenant", MaxEventStreamsPerTenant.ToString())
                .WithEnvironment("StorageEvents__Secret", StorageEventsSecret)
                // Low enough that a test's flood meets it at once, high enough for every test's own events.
                .WithEnvironment("RateLimits__StorageEvents__PerSecond", "20")
                .WithEnvironment("RateLimits__StorageEvents__Burst", "40")
                .WithEnvironment("Cors__AllowedOrigins__0", FrontendOrigin)
                // Receivers on loopback, and a retry schedule of seconds (WebhookTests).
                .WithEnvironment("Webhooks__PollInterval", "00:00:00.200")
                .WithEnvironment("Webhooks__RetryDelays__0", "00:00:01")
                .WithEnvironment("Webhooks__RetryDelays__1", "00:00:01")
                .WithEnvironment("Webhooks__DisableAfterFailedDeliveries", WebhookFailuresToDisable.ToString())
                .WithEnvironment("Webhooks__RetentionInterval", "00:00:01");
        }, timeout.Token);

        Client = ClientFor(Tenant);
        Dashboard = new DashboardClient(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Local.Ports["dashboard"]}") }, metrics);
        Redis = await ConnectionMultiplexer.ConnectAsync(Resources.Cache.ConnectionString);
        var connection = StorageConnection.Parse(Resources.Storage.ConnectionString);
        Storage = new AmazonS3Client(new BasicAWSCredentials(connection.AccessKey, connection.SecretKey),
            new AmazonS3Config { ServiceURL = connection.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = connection.Region });
    }

    /// <summary>The service's own process: for a project, the program <c>dotnet run</c> started.</summary>
    public int ProcessId(StackResource resource) => Local.ProcessId(resource);

    /// <summary>Stops the resource as Aspire's dashboard would (its stop command), and waits until it has.</summary>
    public Task StopAsync(StackResource resource) => Local.StopAsync(resource);

    /// <summary>Kills the resources' processes with SIGKILL all at once, as a crash would, and waits until Aspire sees them gone.</summary>
    public Task KillAsync(params IEnumerable<StackResource> resources) => Local.KillAsync(resources);

    /// <summary>
    /// Starts resources again (after a test stopped or killed them), all at once, and waits until they are healthy; the
    /// stack's client follows its API replica to the port it listens on now.
    /// </summary>
    public async Task StartAsync(IEnumerable<StackResource> resources)
    {
        await Local.StartAsync(resources);
        Client = ClientFor(Tenant);
    }

    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = OpenDatabase();
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A client calling as <paramref name="user"/> of <paramref name="tenant"/>, with a token the API accepts; its calls go
    /// through <paramref name="handler"/> when one is given (a <see cref="ResponseLog"/>, say).
    /// </summary>
    public UploadsClient ClientFor(string tenant, string user = "tester", DelegatingHandler? handler = null) =>
        ClientFor(Resources.Api, tenant, user, handler);

    /// <summary>As <see cref="ClientFor(string, string, DelegatingHandler?)"/>, calling the API replica <paramref name="api"/>.</summary>
    public UploadsClient ClientFor(StackResource api, string tenant, string user = "tester", DelegatingHandler? handler = null)
    {
        var http = new HttpClient(handler ?? (HttpMessageHandler)new HttpClientHandler()) { BaseAddress = new Uri(api.Url) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", MintToken(tenant, user));
        return new UploadsClient(http);
    }

    /// <summary>A development token the stack's APIs accept.</summary>
    public string MintToken(string tenant, string user = "tester") => Local.MintToken(tenant, user);

    /// <summary>
    /// The services' database layer (<c>AddUploadsDatabase</c>) on this stack's database, in the test's process, with a
    /// pool of its own; <paramref name="more"/> adds what the test builds on it.
    /// </summary>
    public ServiceProvider DatabaseServices(Action<IServiceCollection>? more = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:uploads"] = Resources.Database.ConnectionString,
        });
        builder.AddUploadsDatabase();
        more?.Invoke(builder.Services);
        return builder.Services.BuildServiceProvider();
    }

    /// <summary>
    /// Until disposed, PostgreSQL refuses (raises "refused by the test" on) every insert into <paramref name="table"/> of
    /// a row for which <paramref name="condition"/>, over <c>NEW</c>, holds, and only those.
    /// </summary>
    public async Task<IAsyncDisposable> RefuseInsertsAsync(string table, string condition)
    {
        // A name of its own: tests running side by side each refuse their own rows.
        var name = $"refuse_test_inserts_{table}_{Guid.NewGuid():N}";
        await ExecuteAsync($"""
            CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF {condition} THEN RAISE EXCEPTION 'refused by the test'; END IF;
                RETURN NEW;
            END $$;
            CREATE OR REPLACE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {name}();
            """);
        return new Refusal(this, $"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();");
    }

    /// <summary>
    /// Until disposed, the test holds the reconciler's cluster lock: every worker's reconciler stands by, so what happens
    /// meanwhile is the doing of something else (a redelivery, a confirmation, a release).
    /// </summary>
    public async Task<IAsyncDisposable> HoldReconcilerAsync()
    {
        var holder = OpenDatabase();
        await using var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", holder);
        take.Parameters.AddWithValue("key", (long)ClusterLock.Reconciler);
        await take.ExecuteNonQueryAsync();
        return holder;
    }

    sealed class Refusal(UploadsStack stack, string undo) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await stack.ExecuteAsync(undo);
    }

    public NpgsqlConnection OpenDatabase()
    {
        // Unpooled: a test may restart PostgreSQL, which would leave pooled connections dead.
        var connection = new NpgsqlConnection($"{Resources.Database.ConnectionString};Pooling=false");
        connection.Open();
        return connection;
    }

    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters) =>
        Convert.ToInt64(await ScalarAsync(sql, parameters));

    /// <summary>The storage's id of the file's multipart upload; null for a file uploaded in one request.</summary>
    public async Task<string?> MultipartUploadIdAsync(Guid fileId) =>
        await ScalarAsync("SELECT multipart_upload_id FROM files WHERE id = @id", ("id", fileId)) as string;

    /// <summary>
    /// The part numbers storage holds for the file's multipart upload, as S3's ListParts answers; an
    /// <see cref="AmazonS3Exception"/> with <c>NoSuchUpload</c> once the upload is completed or aborted.
    /// </summary>
    public async Task<IReadOnlyList<int>> StoredPartsAsync(string tenant, Guid fileId)
    {
        var parts = await Storage.ListPartsAsync(new ListPartsRequest
        {
            BucketName = Bucket,
            Key = ObjectKeys.UploadFor(tenant, fileId),
            UploadId = await MultipartUploadIdAsync(fileId),
        });
        return [.. (parts.Parts ?? []).Select(p => p.PartNumber ?? 0)];
    }

    /// <summary>
    /// A file's row, its history and its webhook messages as JSON, without the columns that differ by nature between
    /// two files written alike (ids and keys, and <paramref name="alsoLeftOut"/>): to hold two ways of writing equal.
    /// </summary>
    public async Task<string> FileRowsAsJsonAsync(Guid fileId, params string[] alsoLeftOut) => (await ScalarAsync("""
        SELECT jsonb_build_object(
            'file', (SELECT to_jsonb(f) - (ARRAY['id', 'object_key'] || @left_out) FROM files f WHERE f.id = @id),
            'history', (SELECT jsonb_agg(to_jsonb(t) - ARRAY['id', 'file_id'] ORDER BY t.id) FROM file_transitions t WHERE t.file_id = @id),
            'messages', (SELECT jsonb_agg(to_jsonb(m) - ARRAY['id', 'file_id', 'fanned_out_at']) FROM webhook_messages m WHERE m.file_id = @id))::text
        """, ("id", fileId), ("left_out", alsoLeftOut)))!.ToString()!;

    /// <summary>
    /// The state a file's first move out of PENDING took it to, or PENDING while it has not moved: what a test's write
    /// did, whatever the stack's worker and reconciler did with the file after it.
    /// </summary>
    public async Task<string> StateAfterFirstMoveAsync(Guid fileId) => (string)(await ScalarAsync("""
        SELECT COALESCE((SELECT status FROM file_transitions WHERE file_id = @id AND status <> 'PENDING' ORDER BY id LIMIT 1), 'PENDING')
        """, ("id", fileId)))!;

    public async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = OpenDatabase();
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteScalarAsync();
    }

    static NpgsqlCommand Command(NpgsqlConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    public async ValueTask DisposeAsync()
    {
        Redis?.Dispose();
        Storage?.Dispose();
        Dashboard?.Dispose();
        if (Local is not null)
        {
            await Local.DisposeAsync();
        }

        if (metrics is not null)
        {
            await metrics.DisposeAsync();
        }
    }
}

/// <summary>
/// The tests that change what the whole stack does while they run (stop, kill or slow a part of it, let storage events
/// through, refuse parts, hold the reconciler off) or measure the whole stack (its metrics' totals, a process's memory):
/// one after another, once every other test has finished. Every other class runs beside the others on the same stack.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExclusiveCollection
{
    public const string Name = "exclusive";
}
