using System.Runtime.InteropServices;

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

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        PrepareStateDirectory();
        var starting = new Dictionary<Resource, Task>();
        Task Start(Resource resource)
        {
            lock (starting)
            {
                if (!starting.TryGetValue(resource, out var task))
                {
                    task = StartAfterDependenciesAsync(resource);
                    starting[resource] = task;
                }

                return task;
            }
        }

        async Task StartAfterDependenciesAsync(Resource resource)
        {
            await Task.Yield();
            resource.SetState(ResourceState.Waiting);
            await Task.WhenAll(resource.WaitsFor.Select(Start));
            context.Log($"starting {resource.Name}");
            await resource.StartAsync(cancellationToken);
            context.Log($"{resource.Name} is running at {resource.Endpoint}");
        }

        try
        {
            await Task.WhenAll(Resources.Select(Start));
        }
        catch
        {
            await StopAsync();
            throw;
        }
    }

    public async Task StopAsync()
    {
        var stopping = new Dictionary<Resource, Task>();
        Task Stop(Resource resource)
        {
            lock (stopping)
            {
                if (!stopping.TryGetValue(resource, out var task))
                {
                    task = StopAfterDependentsAsync(resource);
                    stopping[resource] = task;
                }

                return task;
            }
        }

        async Task StopAfterDependentsAsync(Resource resource)
        {
            await Task.Yield();
            await Task.WhenAll(Resources.Where(r => r.WaitsFor.Contains(resource)).Select(Stop));
            await resource.StopAsync();
        }

        await Task.WhenAll(Resources.Select(Stop));
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
            await StopAsync();
            context.Log("stopped");
        }

        return 0;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    void PrepareStateDirectory()
    {
        var state = Directory.CreateDirectory(Options.StateDirectory);
        Directory.CreateDirectory(Path.Combine(Options.StateDirectory, "logs"));
        // Services that run under their own account (PostgreSQL) must be able to pass through to their folders.
        state.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    }
}
