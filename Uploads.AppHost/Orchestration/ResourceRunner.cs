using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Orchestration;

/// <summary>Runs one resource of the model on this machine: starts it once what it waits for runs, probes it, stops it.</summary>
public abstract class ResourceRunner(Resource resource, OrchestrationContext context)
{
    public Resource Resource { get; } = resource;
    public string Name => Resource.Name;
    public ResourceState State { get; private set; } = ResourceState.NotStarted;

    protected OrchestrationContext Context { get; } = context;

    /// <summary>The process behind this resource, when it has one of its own.</summary>
    public virtual ManagedProcess? Process => null;

    /// <summary>What the resource's processes wrote, across restarts.</summary>
    public ConsoleLog ConsoleLog { get; } = new();

    /// <summary>Whether the resource passes its readiness probe now; null when it is not running or has no probe of its own.</summary>
    public virtual Task<bool?> CheckHealthAsync(CancellationToken cancellationToken) => Task.FromResult<bool?>(null);

    public event Action<ResourceRunner, ResourceState>? StateChanged;

    /// <summary>Starts the resource and returns once it is ready to serve.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        SetState(ResourceState.Starting);
        try
        {
            await StartCoreAsync(cancellationToken);
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

    protected abstract Task StartCoreAsync(CancellationToken cancellationToken);

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
            Context.Log($"{Name} exited unexpectedly with code {process.Exited.Result}; its log: {Context.LogPath(Name)}");
            SetState(ResourceState.Exited);
        }
    }
}
