using System.Runtime.InteropServices;
using Uploads.AppHost.Dashboard;

namespace Uploads.AppHost.Hosting;

/// <summary>
/// Runs the app model: starts each resource once what it waits for is running (independent ones in parallel),
/// and stops them dependents-first, leaving no process behind.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    readonly ResourceContext context;

    internal DistributedApplication(DistributedApplicationOptions options, IReadOnlyList<Resource> resources)
    {
        Options = options;
        Resources = resources;
        context = new ResourceContext(options);
        foreach (var resource in resources)
        {
            resource.Context = context;
        }
    }

    public DistributedApplicationOptions Options { get; }
    public IReadOnlyList<Resource> Resources { get; }

    public Resource this[string name] => Resources.Single(r => r.Name == name);

    /// <summary>The development dashboard, once started; null when the options ask for none.</summary>
    public DashboardHost? Dashboard { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        PrepareStateDirectory();
        if (Options.Dashboard is { } dashboard && Dashboard is null)
        {
            Dashboard = await DashboardHost.StartAsync(dashboard, Resources, cancellationToken);
            context.OtlpEndpoint = string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))
                ? dashboard.OtlpUrl
                : null;
            context.Log($"dashboard: {dashboard.Url}");
        }

        foreach (var resource in Resources)
        {
            resource.SetState(ResourceState.Waiting);
        }

        try
        {
            await InOrderAsync(resource => resource.WaitsFor, async resource =>
            {
                context.Log($"starting {resource.Name}");
                await resource.StartAsync(cancellationToken);
                context.Log($"{resource.Name} is running at {resource.Endpoint}");
            });
        }
        catch
        {
            await StopAsync();
            throw;
        }
    }

    /// <summary>Stops dependents first: the projects, then what they used.</summary>
    public Task StopAsync() =>
        InOrderAsync(resource => Resources.Where(r => r.WaitsFor.Contains(resource)), resource => resource.StopAsync());

    /// <summary>
    /// Runs <paramref name="action"/> on every resource once it ran on all of <paramref name="first"/>(resource),
    /// in parallel wherever that order allows.
    /// </summary>
    Task InOrderAsync(Func<Resource, IEnumerable<Resource>> first, Func<Resource, Task> action)
    {
        var tasks = new Dictionary<Resource, Task>();
        Task Visit(Resource resource)
        {
            lock (tasks)
            {
                if (!tasks.TryGetValue(resource, out var task))
                {
                    task = RunAsync(resource);
                    tasks[resource] = task;
                }

                return task;
            }
        }

        async Task RunAsync(Resource resource)
        {
            await Task.Yield();
            await Task.WhenAll(first(resource).Select(Visit));
            await action(resource);
        }

        return Task.WhenAll(Resources.Select(Visit));
    }

    /// <summary>
    /// Starts everything, prints the resource table, and runs until Ctrl+C or SIGTERM; then stops everything.
    /// Returns the process exit code: 0, or 1 when a resource could not start.
    /// </summary>
    public async Task<int> RunAsync()
    {
        using var shutdown = new CancellationTokenSource();
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            context.Log($"{signal.Signal}: stopping");
            shutdown.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        foreach (var resource in Resources)
        {
            resource.StateChanged += (r, state) =>
            {
                if (state is ResourceState.Exited)
                {
                    ResourceTable.Write(Console.Out, Resources, context);
                }
            };
        }

        try
        {
            await StartAsync(shutdown.Token);
            ResourceTable.Write(Console.Out, Resources, context);
            context.Log("Ctrl+C stops everything.");
            await Task.Delay(Timeout.Infinite, shutdown.Token);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
        }
        catch (ResourceStartException ex)
        {
            context.Log($"could not start: {ex.Message}");
            return 1;
        }
        finally
        {
            await DisposeAsync();
            context.Log("stopped");
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Dashboard is { } dashboard)
        {
            Dashboard = null;
            await dashboard.DisposeAsync();
        }
    }

    void PrepareStateDirectory()
    {
        var state = Directory.CreateDirectory(Options.StateDirectory);
        Directory.CreateDirectory(Path.Combine(Options.StateDirectory, "logs"));
        // Services that run under their own account (PostgreSQL) must be able to pass through to their folders.
        state.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    }
}
