using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Publishing;

/// <summary>
/// Describes each resource of the app model for a container deployment: its manifest entries, with the parameters a
/// deployment supplies in place of what the AppHost makes up locally (passwords, keys, public addresses).
/// </summary>
public static class ManifestPublisher
{
    /// <summary>The port a project listens on in its container, as .NET images default to.</summary>
    public const int ProjectContainerPort = 8080;

    /// <summary>The RabbitMQ user the services connect as; its password is a parameter.</summary>
    public const string RabbitMQUser = "uploads";

    public static void Publish(Resource resource, PublishContext context)
    {
        switch (resource)
        {
            case PostgresServerResource postgres: PublishPostgres(postgres, context); break;
            case PostgresDatabaseResource database: PublishDatabase(database, context); break;
            case ObjectStorageResource storage: PublishStorage(storage, context); break;
            case RedisResource redis: PublishRedis(redis, context); break;
            case RabbitMQResource rabbit: PublishRabbitMQ(rabbit, context); break;
            case ScannerResource scanner: PublishScanner(scanner, context); break;
            case ProjectResource project: PublishProject(project, context); break;
            default: throw new NotSupportedException($"{resource.Name}: a {resource.GetType().Name} cannot be published.");
        }
    }

    static void PublishPostgres(PostgresServerResource postgres, PublishContext context)
    {
        var name = postgres.Name;
        var password = context.Expression(new ParameterResource($"{name}-password", Secret: true, "The PostgreSQL superuser's password."));
        context.Add(name, new ManifestResource
        {
            Type = "container.v0",
            Image = ContainerImages.Postgres,
            ConnectionString = $"Host={{{name}.bindings.tcp.host}};Port={{{name}.bindings.tcp.port}};Username=postgres;Password={password}",
            // A subfolder of the volume: a fresh volume's root may hold lost+found, which initdb refuses.
            Env = new() { ["POSTGRES_USER"] = "postgres", ["POSTGRES_PASSWORD"] = password, ["PGDATA"] = "/var/lib/postgresql/data/pgdata" },
            Bindings = new() { ["tcp"] = new("tcp", "tcp", "tcp", 5432) },
            Volumes = [new($"{name}-data", "/var/lib/postgresql/data")],
            Deployment = new(HealthCheck: ["CMD-SHELL", "pg_isready -U postgres"]),
        });
    }

    /// <summary>A value: the services create the database when they migrate it, as they would against a managed server.</summary>
    static void PublishDatabase(PostgresDatabaseResource database, PublishContext context) =>
        context.Add(database.Name, new ManifestResource
        {
            Type = "value.v0",
            ConnectionString = $"{{{database.Server.Name}.connectionString}};Database={database.DatabaseName}",
        });

    /// <summary>
    /// MinIO, with the bucket created by a one-shot <c>{name}-init</c> job and left private: nothing sets an anonymous
    /// policy, so every read and write needs a signature (a presigned URL, or the services' keys).
    /// </summary>
    static void PublishStorage(ObjectStorageResource storage, PublishContext context)
    {
        var name = storage.Name;
        var accessKey = context.Expression(new ParameterResource($"{name}-access-key", Secret: true, "MinIO's root user (the services' access key)."));
        // MinIO's webhook target UPLOADS: every object created in the bucket is reported to the API, which confirms uploads.
        var notifications = storage.Events is { } events
            ? new Dictionary<string, string>
            {
                ["MINIO_NOTIFY_WEBHOOK_ENABLE_UPLOADS"] = "on",
                ["MINIO_NOTIFY_WEBHOOK_ENDPOINT_UPLOADS"] = $"{{{events.Target.Name}.bindings.http.url}}{events.Path}",
                ["MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_UPLOADS"] = context.Expression(events.Secret),
            }
            : new Dictionary<string, string>();
        var secretKey = context.Expression(new ParameterResource($"{name}-secret-key", Secret: true, "MinIO's root password (the services' secret key); 8 characters or more."));
        context.Add(name, new ManifestResource
        {
            Type = "container.v0",
            Image = ContainerImages.Minio,
            ConnectionString = $"Endpoint={{{name}.bindings.http.url}};AccessKey={accessKey};SecretKey={secretKey}",
            Args = ["server", "/data", "--console-address", ":9001"],
            Env = new Dictionary<string, string>
            {
                ["MINIO_ROOT_USER"] = accessKey,
                ["MINIO_ROOT_PASSWORD"] = secretKey,
                ["MINIO_API_CORS_ALLOW_ORIGIN"] = string.Join(',', storage.BrowserOrigins.Select(context.Expression)),
            }.Concat(notifications).ToDictionary(),
            Bindings = new()
            {
                // Browsers POST and PUT uploads here, through the public endpoint the API signs URLs for.
                ["http"] = new("http", "tcp", "http", 9000, External: true),
                ["console"] = new("http", "tcp", "http", 9001),
            },
            Volumes = [new($"{name}-data", "/data")],
            Deployment = new(HealthCheck: ["CMD", "mc", "ready", "local"]),
        });
        context.Add($"{name}-init", new ManifestResource
        {
            Type = "container.v0",
            Image = ContainerImages.MinioClient,
            Entrypoint = "/bin/sh",
            Args = ["-c", storage.Events is null
                ? $"mc mb --ignore-existing storage/{storage.Bucket}"
                : $"mc mb --ignore-existing storage/{storage.Bucket} && mc event add --ignore-existing storage/{storage.Bucket} arn:minio:sqs::UPLOADS:webhook --event put"],
            Env = new() { ["MC_HOST_storage"] = $"http://{accessKey}:{secretKey}@{{{name}.bindings.http.host}}:{{{name}.bindings.http.port}}" },
            Deployment = new(DependsOn: [name], RunsToCompletion: true),
        });
    }

    static void PublishRedis(RedisResource redis, PublishContext context)
    {
        var name = redis.Name;
        var password = context.Expression(new ParameterResource($"{name}-password", Secret: true, "The password Redis requires."));
        context.Add(name, new ManifestResource
        {
            Type = "container.v0",
            Image = ContainerImages.Redis,
            ConnectionString = $"{{{name}.bindings.tcp.host}}:{{{name}.bindings.tcp.port}},password={password}",
            // A cache, as in development: nothing is saved.
            Args = ["--requirepass", password, "--save", "", "--appendonly", "no"],
            Env = new() { ["REDISCLI_AUTH"] = password },
            Bindings = new() { ["tcp"] = new("tcp", "tcp", "tcp", 6379) },
            Deployment = new(HealthCheck: ["CMD", "redis-cli", "ping"]),
        });
    }

    static void PublishRabbitMQ(RabbitMQResource rabbit, PublishContext context)
    {
        var name = rabbit.Name;
        var password = context.Expression(new ParameterResource(
            $"{name}-password", Secret: true, "The RabbitMQ user's password; URL-safe characters only, it goes into an AMQP URI."));
        context.Add(name, new ManifestResource
        {
            Type = "container.v0",
            Image = ContainerImages.RabbitMQ,
            ConnectionString = $"amqp://{RabbitMQUser}:{password}@{{{name}.bindings.tcp.host}}:{{{name}.bindings.tcp.port}}",
            Env = new() { ["RABBITMQ_DEFAULT_USER"] = RabbitMQUser, ["RABBITMQ_DEFAULT_PASS"] = password },
            Bindings = new()
            {
                ["tcp"] = new("tcp", "tcp", "tcp", 5672),
                ["management"] = new("http", "tcp", "http", 15672),
            },
            Volumes = [new($"{name}-data", "/var/lib/rabbitmq")],
            Deployment = new(HealthCheck: ["CMD", "rabbitmq-diagnostics", "-q", "ping"]),
        });
    }

    /// <summary>
    /// The official ClamAV image, with a configuration of ours mounted over its own: the stream limits raised to the
    /// scanner's (its default of 100 MB would refuse large files), on TCP 3310 and the local socket its health check uses.
    /// The signatures live in a volume, kept up to date by the image's freshclam.
    /// </summary>
    static void PublishScanner(ScannerResource scanner, PublishContext context)
    {
        var configuration = context.WriteFile($"{scanner.Name}/clamd.conf", $"""
            # Generated by `dotnet run --project Uploads.AppHost -- publish`; mounted over the image's /etc/clamav/clamd.conf.
            DatabaseDirectory /var/lib/clamav
            LocalSocket /tmp/clamd.sock
            TCPSocket 3310
            Foreground yes
            User clamav
            LogTime yes
            {ScannerResource.StreamLimits}

            """);
        context.Add(scanner.Name, new ManifestResource
        {
            Type = "container.v0",
            Image = ContainerImages.ClamAv,
            ConnectionString = $"tcp://{{{scanner.Name}.bindings.tcp.host}}:{{{scanner.Name}.bindings.tcp.port}}",
            Bindings = new() { ["tcp"] = new("tcp", "tcp", "tcp", 3310) },
            Volumes = [new($"{scanner.Name}-signatures", "/var/lib/clamav")],
            BindMounts = [new(configuration, "/etc/clamav/clamd.conf")],
            // clamd holds the whole signature database in memory: about 1.2 GB with the official one, twice that while reloading it.
            Deployment = new(HealthCheck: ["CMD", "clamdcheck.sh"], MemoryLimit: "3Gi"),
        });
    }

    /// <summary>Built from its Dockerfile (Aspire's <c>PublishAsDockerFile</c>), in Production, on port 8080.</summary>
    static void PublishProject(ProjectResource project, PublishContext context)
    {
        var variables = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_HTTP_PORTS"] = ProjectContainerPort.ToString(),
            ["OTEL_SERVICE_NAME"] = project.Name,
        };
        foreach (var (name, value) in project.EnvironmentVariables)
        {
            variables[name] = context.Expression(value);
        }

        context.Add(project.Name, new ManifestResource
        {
            Type = "dockerfile.v0",
            Path = context.Relative(project.Dockerfile),
            Context = context.Relative(AppHostPaths.RepositoryRoot),
            Env = variables,
            Bindings = new() { ["http"] = new("http", "tcp", "http", ProjectContainerPort, External: project.HasExternalHttpEndpoints) },
            Deployment = new(
                HealthCheck: ["CMD", "curl", "--fail", "--silent", $"http://localhost:{ProjectContainerPort}/health"],
                DependsOn: [.. project.WaitsFor.Select(r => r.Name)]),
        });
    }
}
