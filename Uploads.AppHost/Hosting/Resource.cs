using Uploads.AppHost.Publishing;

namespace Uploads.AppHost.Hosting;

public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Stopping,
    Stopped,
    Exited,
    FailedToStart,
}

/// <summary>One part of the app model: a backing service or a project, started once what it waits for is running.</summary>
public abstract class Resource(string name)
{
    readonly List<Resource> waitsFor = [];

    public string Name { get; } = name;
    public abstract string Kind { get; }
    public ResourceState State { get; private set; } = ResourceState.NotStarted;
    public IReadOnlyList<Resource> WaitsFor => waitsFor;

    /// <summary>The process behind this resource, when it has one of its own.</summary>
    public virtual ManagedProcess? Process => null;

    /// <summary>Where to reach the resource, for the resource table.</summary>
    public abstract string Endpoint { get; }

    /// <summary>What the resource's processes wrote, across restarts.</summary>
    public ConsoleLog ConsoleLog { get; } = new();

    /// <summary>Whether the resource passes its readiness probe now; null when it is not running or has no probe of its own.</summary>
    public virtual Task<bool?> CheckHealthAsync(CancellationToken cancellationToken) => Task.FromResult<bool?>(null);

    internal ResourceContext? Context { get; set; }

    /// <summary>The builder this resource was added to, so that it can add the resources it owns (a server its databases).</summary>
    internal DistributedApplicationBuilder? Builder { get; set; }

    public event Action<Resource, ResourceState>? StateChanged;

    internal void AddWaitFor(Resource resource)
    {
        if (!waitsFor.Contains(resource))
        {
            waitsFor.Add(resource);
        }
    }

    /// <summary>Starts the resource and returns once it is ready to serve.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var context = Context ?? throw new InvalidOperationException($"{Name} is not part of a built application.");
        SetState(ResourceState.Starting);
        try
        {
            await StartCoreAsync(context, cancellationToken);
        }
        catch
        {
            SetState(ResourceState.FailedToStart);
            await StopCoreAsync();
            throw;
        }

        SetState(ResourceState.Running);
        if (Process is { } process)
        {
            _ = process.Exited.ContinueWith(_ => OnProcessExited(process), TaskScheduler.Default);
        }
    }

    public async Task StopAsync()
    {
        if (State is ResourceState.NotStarted or ResourceState.Stopped)
        {
            return;
        }

        SetState(ResourceState.Stopping);
        await StopCoreAsync();
        SetState(ResourceState.Stopped);
    }

    /// <summary>Kills the resource's process group with SIGKILL, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (Process is { } process)
        {
            SetState(ResourceState.Stopping);
            await process.KillAsync();
            SetState(ResourceState.Exited);
        }
    }

    /// <summary>Describes the resource for a deployment: its manifest entries (publish mode).</summary>
    public abstract void Publish(PublishContext context);

    protected abstract Task StartCoreAsync(ResourceContext context, CancellationToken cancellationToken);

    protected abstract Task StopCoreAsync();

    internal void SetState(ResourceState state)
    {
        if (State != state)
        {
            State = state;
            StateChanged?.Invoke(this, state);
        }
    }

    void OnProcessExited(ManagedProcess process)
    {
        if (State == ResourceState.Running && ReferenceEquals(Process, process))
        {
            Context?.Log($"{Name} exited unexpectedly with code {process.Exited.Result}; its log: {Context.LogPath(Name)}");
            SetState(ResourceState.Exited);
        }
    }
}

/// <summary>A resource others reach through a connection string, handed to them as <c>ConnectionStrings__{name}</c>.</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }
    string ConnectionString { get; }
}

/// <summary>What a resource may use of the application it belongs to.</summary>
public sealed class ResourceContext(DistributedApplicationOptions options)
{
    public DistributedApplicationOptions Options { get; } = options;

    public string DataDirectory(string resourceName) => Path.Combine(Options.StateDirectory, resourceName);

    public string LogPath(string resourceName) => Path.Combine(Options.StateDirectory, "logs", $"{resourceName}.log");

    public void Log(string message) => Options.Log(message);

    /// <summary>
    /// Where the projects send their telemetry: the dashboard's receiver, unless the AppHost's own environment names an
    /// OTLP endpoint (a collector, the standalone Aspire dashboard), which the projects then inherit unchanged.
    /// </summary>
    public string? OtlpEndpoint { get; internal set; }
}
