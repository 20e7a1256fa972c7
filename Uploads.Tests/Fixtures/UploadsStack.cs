using Amazon.Runtime;
using Amazon.S3;
using Npgsql;
using StackExchange.Redis;
using Uploads.AppHost;
using Uploads.AppHost.Dashboard;
using Uploads.AppHost.ApplicationModel;
using Uploads.AppHost.Orchestration;
using Uploads.AppHost.Tokens;
using Uploads.Infrastructure.Storage;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// The whole system, started once per test collection through the AppHost's own hosting code: real PostgreSQL,
/// s3rver, Redis, RabbitMQ, API and worker, in a temporary folder on free ports, so it can run beside <c>./run.sh</c>.
/// A missing service makes every test of the collection fail; nothing is skipped.
/// </summary>
public sealed class UploadsStack : IAsyncLifetime
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    /// <summary>How long after its URL expired a PENDING upload is still confirmable, here; production uses minutes.</summary>
    const string ExpiryGrace = "00:00:02";
    readonly List<string> log = [];

    /// <summary>Event streams a tenant may hold open here (the API's default is 100).</summary>
    public const int MaxEventStreamsPerTenant = 10;

    /// <summary>The tenant <see cref="Client"/> calls as.</summary>
    public const string Tenant = "tests";

    public string StateDirectory { get; } = Directory.CreateTempSubdirectory("uploads-tests-").FullName;
    public DistributedApplication App { get; private set; } = null!;
    public UploadsResources Resources { get; private set; } = null!;
    public UploadsClient Client { get; private set; } = null!;
    public IConnectionMultiplexer Redis { get; private set; } = null!;
    public IAmazonS3 Storage { get; private set; } = null!;

    /// <summary>The AppHost's dashboard: its page, its JSON API and what its OTLP receiver got from the services.</summary>
    public DashboardClient Dashboard { get; private set; } = null!;

    /// <summary>
    /// What the services reach their backing services through: a test makes a fault here and reads what the proxy did.
    /// The workers reach storage through <see cref="StorageProxy"/>; the API reaches it directly, so that a test can cut
    /// the workers off and still confirm a file. Both reach PostgreSQL, RabbitMQ and Redis through the others.
    /// </summary>
    public FaultProxy StorageProxy { get; private set; } = null!;
    public FaultProxy DatabaseProxy { get; private set; } = null!;
    public FaultProxy BrokerProxy { get; private set; } = null!;
    public FaultProxy CacheProxy { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new DistributedApplicationBuilder(new DistributedApplicationOptions
        {
            StateDirectory = StateDirectory,
            Log = line => { lock (log) { log.Add(line); } },
        });
        // Two workers compete for every message, as in production; the reconciler and leases run fast, so that
        // recovery tests wait seconds, not minutes.
        Resources = builder.AddUploads(workerReplicas: 2);
        foreach (var worker in Resources.Workers)
        {
            worker.WithEnvironment("Reconciler__Interval", "00:00:00.500")
                .WithEnvironment("Reconciler__RepublishAfter", "00:00:03")
                .WithEnvironment("Reconciler__ExpiryGrace", ExpiryGrace)
                .WithEnvironment("Sync__Lease", "00:00:06")
                .WithEnvironment("Sync__StopTimeout", "00:00:00.500")
                .WithEnvironment("Sync__RetriesInPlace", "3")
                .WithEnvironment("Sync__RetryMaxInterval", "00:00:01")
                .WithEnvironment("Sync__RedeliveryDelays__0", "00:00:01")
                .WithEnvironment("Sync__RedeliveryDelays__1", "00:00:01")
                .WithEnvironment("Sync__RedeliveryDelays__2", "00:00:01");
        }

        RouteThroughFaultProxies();
        Resources.Api.WithEnvironment("Uploads__ConfirmationGrace", ExpiryGrace)
            .WithEnvironment("Events__MaxStreamsPerTenant", MaxEventStreamsPerTenant.ToString())
            .WithEnvironment("Uploads__PublishTimeout", "00:00:01");
        App = builder.Build();
        var dashboard = App.AddDashboard(new DashboardOptions { Port = Ports.Free(), OtlpPort = Ports.Free() });

        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.StartAsync(timeout.Token);

        Client = ClientFor(Tenant);
        Dashboard = new DashboardClient(new HttpClient { BaseAddress = new Uri(dashboard.Host!.Options.Url) });
        Redis = await ConnectionMultiplexer.ConnectAsync(Resources.Cache.ConnectionString);
        var storage = StorageConnection.Parse(Resources.Storage.ConnectionString);
        Storage = new AmazonS3Client(new BasicAWSCredentials(storage.AccessKey, storage.SecretKey),
            new AmazonS3Config { ServiceURL = storage.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = storage.Region });
    }

    void RouteThroughFaultProxies()
    {
        StorageProxy = new FaultProxy("storage", Resources.Storage.Port);
        DatabaseProxy = new FaultProxy("postgres", Resources.Postgres.Port);
        BrokerProxy = new FaultProxy("messaging", Resources.Messaging.Port);
        CacheProxy = new FaultProxy("cache", Resources.Cache.Port);
        string Through(string connectionString, int port, FaultProxy proxy) =>
            connectionString.Replace($":{port}", $":{proxy.Port}", StringComparison.Ordinal).Replace($"Port={port}", $"Port={proxy.Port}", StringComparison.Ordinal);

        foreach (var worker in Resources.Workers)
        {
            worker.WithEnvironment("ConnectionStrings__storage", Through(Resources.Storage.ConnectionString, Resources.Storage.Port, StorageProxy));
        }

        foreach (var project in Resources.Workers.Prepend(Resources.Api))
        {
            project.WithEnvironment("ConnectionStrings__uploads", Through(Resources.Database.ConnectionString, Resources.Postgres.Port, DatabaseProxy))
                .WithEnvironment("ConnectionStrings__messaging", Through(Resources.Messaging.ConnectionString, Resources.Messaging.Port, BrokerProxy))
                .WithEnvironment("ConnectionStrings__cache", Through(Resources.Cache.ConnectionString, Resources.Cache.Port, CacheProxy));
        }
    }

    /// <summary>What runs <paramref name="resource"/>: a test stops, kills and restarts resources through it.</summary>
    public ResourceRunner Runner(Resource resource) => App.Runner(resource);

    /// <summary>Starts resources again (after a test stopped or killed them) and waits until they serve.</summary>
    public async Task StartAsync(IEnumerable<Resource> resources)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        foreach (var resource in resources)
        {
            await Runner(resource).StartAsync(timeout.Token);
        }
    }

    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = OpenDatabase();
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A client calling as <paramref name="user"/> of <paramref name="tenant"/>, with a token the API accepts.</summary>
    public UploadsClient ClientFor(string tenant, string user = "tester")
    {
        var http = new HttpClient { BaseAddress = new Uri(Resources.Api.Url) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", DevelopmentSigningKey.MintToken(StateDirectory, tenant, user, TimeSpan.FromHours(1)));
        return new UploadsClient(http);
    }

    public NpgsqlConnection OpenDatabase()
    {
        // Unpooled: a test may restart PostgreSQL, which would leave pooled connections dead.
        var connection = new NpgsqlConnection($"{Resources.Database.ConnectionString};Pooling=false");
        connection.Open();
        return connection;
    }

    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = OpenDatabase();
        await using var command = Command(connection, sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
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

    public async Task DisposeAsync()
    {
        Redis?.Dispose();
        Storage?.Dispose();
        Dashboard?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        foreach (var proxy in new[] { StorageProxy, DatabaseProxy, BrokerProxy, CacheProxy }.OfType<FaultProxy>())
        {
            await proxy.DisposeAsync();
        }

        Directory.Delete(StateDirectory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<UploadsStack>
{
    public const string Name = "stack";
}
