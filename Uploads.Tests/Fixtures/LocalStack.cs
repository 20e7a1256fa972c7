using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Uploads.AppHost.Resources;
using Uploads.AppHost.Tokens;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// The Uploads AppHost started by Aspire's testing builder in a temporary folder on free ports, and what Aspire knows of
/// it: its resources, and the means to stop, kill and start them (its resource commands, the processes its snapshots
/// name). Shared by the tests' stacks and the benchmark.
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    LocalStack(DistributedApplication app, StackPorts ports, string stateDirectory, FaultProxies? proxies)
    {
        App = app;
        Ports = ports;
        StateDirectory = stateDirectory;
        Proxies = proxies;
    }

    public DistributedApplication App { get; }
    public StackPorts Ports { get; }
    public string StateDirectory { get; }
    public StackResources Resources { get; private set; } = null!;

    /// <summary>What the services reach their backing services through, when the stack was started with them.</summary>
    public FaultProxies? Proxies { get; }

    /// <param name="configure">Changes the model before it is built: the projects by name (<c>api</c>, <c>worker</c>, <c>migrate</c>) and the storage.</param>
    /// <param name="withFaultProxies">Puts a <see cref="FaultProxy"/> between the services and each backing service.</param>
    public static async Task<LocalStack> StartAsync(
        int apiReplicas,
        int workerReplicas,
        bool withFaultProxies,
        Action<IReadOnlyDictionary<string, IResourceBuilder<ProjectResource>>, IResourceBuilder<StorageServerResource>>? configure,
        CancellationToken cancellationToken)
    {
        var stateDirectory = Directory.CreateTempSubdirectory("uploads-stack-").FullName;
        var ports = new StackPorts();
        var proxies = withFaultProxies ? new FaultProxies(ports) : null;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Uploads_AppHost>(
            [
                "--state-dir", stateDirectory, "--api-replicas", apiReplicas.ToString(), "--worker-replicas", workerReplicas.ToString(),
                "--DcpPublisher:RandomizePorts=false", .. ports.Arguments,
            ],
            (options, _) => options.DisableDashboard = false,
            cancellationToken);
        // The resources' output goes to the stack's log file, not to the test run's console, which it would drown.
        builder.Services.AddLogging(logging => logging.ClearProviders().AddProvider(new StackLog(Path.Combine(stateDirectory, "apphost.log"))));
        var projects = builder.Resources.OfType<ProjectResource>().ToDictionary(p => p.Name, p => builder.CreateResourceBuilder(p));
        var storage = builder.CreateResourceBuilder(builder.Resources.OfType<StorageServerResource>().Single());
        proxies?.RouteThrough(projects, storage);
        configure?.Invoke(projects, storage);

        var app = await builder.BuildAsync(cancellationToken);
        var stack = new LocalStack(app, ports, stateDirectory, proxies);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        await app.StartAsync(timeout.Token);
        await Task.WhenAll(
            app.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token),
            app.ResourceNotifications.WaitForResourceHealthyAsync("worker", timeout.Token));
        stack.Resources = await stack.ReadResourcesAsync(apiReplicas, workerReplicas, timeout.Token);
        return stack;
    }

    /// <summary>A development token the stack's APIs accept.</summary>
    public string MintToken(string tenant, string user, TimeSpan? lifetime = null) =>
        DevelopmentSigningKey.MintToken(StateDirectory, tenant, user, lifetime ?? TimeSpan.FromHours(1));

    async Task<StackResources> ReadResourcesAsync(int apiReplicas, int workerReplicas, CancellationToken cancellationToken)
    {
        // Aspire's notifications start with the state of every instance: a resource's are those that name it.
        async Task<IReadOnlyList<string>> InstancesAsync(string name, int count)
        {
            var instances = new SortedSet<string>(StringComparer.Ordinal);
            await foreach (var state in App.ResourceNotifications.WatchAsync(cancellationToken))
            {
                if (state.Resource.Name == name && instances.Add(state.ResourceId) && instances.Count == count)
                {
                    break;
                }
            }

            return [.. instances];
        }

        async Task<StackResource> Service(string name) => new((await InstancesAsync(name, 1))[0], name,
            ConnectionString: (await App.GetConnectionStringAsync(name))!,
            Url: name == "storage" ? $"http://localhost:{Ports[name]}" : "");

        async Task<IReadOnlyList<StackResource>> Replicas(string name, int count) =>
            [.. (await InstancesAsync(name, count)).Select(instance => new StackResource(instance, name, Url: ReplicaUrl(instance)))];

        return new StackResources(
            await Service("postgres"), await Service("uploads"), await Service("storage"), await Service("cache"), await Service("messaging"),
            await Service("scanner"), await Replicas("api", apiReplicas), await Replicas("worker", workerReplicas));
    }

    /// <summary>Where one replica listens itself (Aspire's proxy in front of the replicas spreads requests over them).</summary>
    string ReplicaUrl(string instance)
    {
        var environment = File.ReadAllText($"/proc/{ExecutableProcessId(instance)}/environ").Split('\0');
        return environment.Single(variable => variable.StartsWith("ASPNETCORE_URLS=", StringComparison.Ordinal))["ASPNETCORE_URLS=".Length..].Split(';')[0];
    }

    /// <summary>The process DCP started for the instance (for a project, <c>dotnet run</c>, whose child is the service).</summary>
    int ExecutableProcessId(string instance) =>
        App.ResourceNotifications.TryGetCurrentState(instance, out var state)
        && state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid)
            : throw new InvalidOperationException($"{instance} has no process now.");

    /// <summary>The service's own process: for a project, the program <c>dotnet run</c> started.</summary>
    public int ProcessId(StackResource resource)
    {
        var root = ExecutableProcessId(resource.Name);
        return ProcessTree.DescendantsOf(root).FirstOrDefault(p => p.Command.Contains("/bin/", StringComparison.Ordinal))?.Id ?? root;
    }

    /// <summary>Stops the resource as Aspire's dashboard would (its stop command), and waits until it has.</summary>
    public async Task StopAsync(StackResource resource)
    {
        await ExecuteAsync(resource, KnownResourceCommands.StopCommand);
        await WaitAsync(resource, state => KnownResourceStates.TerminalStates.Contains(state.Snapshot.State?.Text));
    }

    /// <summary>Kills the resources' processes with SIGKILL all at once, as a crash would, and waits until Aspire sees them gone.</summary>
    public async Task KillAsync(params IEnumerable<StackResource> resources)
    {
        var killed = resources.ToList();
        var roots = killed.Select(resource => ExecutableProcessId(resource.Name)).ToList();
        foreach (var process in roots.SelectMany(root => ProcessTree.DescendantsOf(root).Select(p => p.Id).Prepend(root)).ToList())
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(process).Kill();
            }
            catch (ArgumentException)
            {
                // Gone already.
            }
        }

        await Task.WhenAll(killed.Select(resource => WaitAsync(resource, state => KnownResourceStates.TerminalStates.Contains(state.Snapshot.State?.Text))));
    }

    /// <summary>
    /// Starts resources again (after a test stopped or killed them), all at once, and waits until they are healthy. A
    /// replica started again listens on a port DCP chose anew: <see cref="Resources"/> says the new one.
    /// </summary>
    public async Task StartAsync(IEnumerable<StackResource> resources)
    {
        var started = resources.ToList();
        // The last snapshot before the start may still say Running and Healthy: only a start after this moment counts.
        var issued = DateTime.UtcNow.AddSeconds(-1);
        await Task.WhenAll(started.Select(async resource =>
        {
            await ExecuteAsync(resource, KnownResourceCommands.StartCommand);
            await WaitAsync(resource, state => state.Snapshot is { State.Text: var text, StartTimeStamp: { } since, HealthStatus: HealthStatus.Healthy }
                && text == KnownResourceStates.Running && since >= issued);
        }));

        IReadOnlyList<StackResource> Moved(IReadOnlyList<StackResource> replicas) =>
            [.. replicas.Select(replica => started.Any(s => s.Name == replica.Name) ? replica with { Url = ReplicaUrl(replica.Name) } : replica)];
        Resources = Resources with { Apis = Moved(Resources.Apis), Workers = Moved(Resources.Workers) };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var replica in Resources.Projects.Where(project => started.Any(s => s.Name == project.Name)))
        {
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    return (await http.GetAsync($"{replica.Url}/health")).IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, $"{replica.Name} to answer on {replica.Url}", StartTimeout);
        }
    }

    async Task ExecuteAsync(StackResource resource, string command)
    {
        var result = await App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource.Name, command);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} {resource.Name}: {result.Message}");
        }
    }

    async Task WaitAsync(StackResource resource, Func<ResourceEvent, bool> condition)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.ResourceNotifications.WaitForResourceAsync(resource.Resource, state => state.ResourceId == resource.Name && condition(state), timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        if (Proxies is not null)
        {
            await Proxies.DisposeAsync();
        }

        // UPLOADS_TESTS_KEEP_STATE=1 keeps the folder (the services' data) for a look after a failure.
        if (Environment.GetEnvironmentVariable("UPLOADS_TESTS_KEEP_STATE") != "1")
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
    }
}
