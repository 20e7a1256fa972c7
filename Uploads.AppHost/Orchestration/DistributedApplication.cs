using System.Runtime.InteropServices;
using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Orchestration;

/// <summary>
/// Runs the app model: starts each resource once what it waits for is running (independent ones in parallel),
/// and stops them dependents-first, leaving no process behind.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    readonly OrchestrationContext context;
    readonly Dictionary<Resource, ResourceRunner> runners = [];
    readonly List<IDistributedApplicationLifecycleHook> hooks = [];
    bool hooksStarted;

    internal DistributedApplication(DistributedApplicationOptions options, IReadOnlyList<Resource> resources)
    {
        Options = options;
        context = new OrchestrationContext(options);
        Runners = [.. resources.Select(Runner)];
    }

    public DistributedApplicationOptions Options { get; }

    /// <summary>A runner per resource, in model order.</summary>
    public IReadOnlyList<ResourceRunner> Runners { get; }

    public ResourceRunner this[string name] => Runners.Single(r => r.Name == name);

    public ResourceRunner Runner(Resource resource)
    {
        if (!runners.TryGetValue(resource, out var runner))
        {
            runner = ResourceRunners.Create(resource, context, Runner);
            runners[resource] = runner;
        }

        return runner;
    }

    /// <summary>
    /// Where the projects send their telemetry, when a hook (the dashboard) receives it; null leaves them the OTLP settings
    /// they inherit from the AppHost's environment.
    /// </summary>
    public string? OtlpEndpoint
    {
        get => context.OtlpEndpoint;
        set => context.OtlpEndpoint = value;
    }

    public void Log(string message) => context.Log(message);

    public T AddLifecycleHook<T>(T hook) where T : IDistributedApplicationLifecycleHook
    {
        hooks.Add(hook);
        return hook;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        PrepareStateDirectory();
        if (!hooksStarted)
        {
            hooksStarted = true;
            foreach (var hook in hooks)
            {
                await hook.BeforeStartAsync(this, cancellationToken);
            }
        }

        foreach (var runner in Runners)
        {
            runner.SetState(ResourceState.Waiting);
        }

        try
        {
            await InOrderAsync(runner => runner.Resource.WaitsFor.Select(Runner), async runner =>
            {
                context.Log($"starting {runner.Name}");
                await runner.StartAsync(cancellationToken);
                context.Log($"{runner.Name} is running at {runner.Resource.Endpoint}");
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
        InOrderAsync(runner => Runners.Where(r => r.Resource.WaitsFor.Contains(runner.Resource)), runner => runner.StopAsync());

    /// <summary>
    /// Runs <paramref name="action"/> on every resource once it ran on all of <paramref name="first"/>(resource),
    /// in parallel wherever that order allows.
    /// </summary>
    Task InOrderAsync(Func<ResourceRunner, IEnumerable<ResourceRunner>> first, Func<ResourceRunner, Task> action)
    {
        var tasks = new Dictionary<ResourceRunner, Task>();
        Task Visit(ResourceRunner resource)
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

        async Task RunAsync(ResourceRunner resource)
        {
            await Task.Yield();
            await Task.WhenAll(first(resource).Select(Visit));
            await action(resource);
        }

        return Task.WhenAll(Runners.Select(Visit));
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
        foreach (var runner in Runners)
        {
            runner.StateChanged += (_, state) =>
            {
                if (state is ResourceState.Exited)
                {
                    ResourceTable.Write(Console.Out, Runners, context);
                }
            };
        }

        try
        {
            await StartAsync(shutdown.Token);
            ResourceTable.Write(Console.Out, Runners, context);
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
        foreach (var hook in Enumerable.Reverse(hooks))
        {
            await hook.DisposeAsync();
        }

        hooks.Clear();
    }

    void PrepareStateDirectory()
    {
        var state = Directory.CreateDirectory(Options.StateDirectory);
        Directory.CreateDirectory(Path.Combine(Options.StateDirectory, "logs"));
        // Services that run under their own account (PostgreSQL) must be able to pass through to their folders.
        state.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    }
}
