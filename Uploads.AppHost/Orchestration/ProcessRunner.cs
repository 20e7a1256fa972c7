using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Orchestration;

/// <summary>A resource that is one child process: started, probed until ready, stopped by a signal to its process group.</summary>
public abstract class ProcessRunner(Resource resource, OrchestrationContext context) : ResourceRunner(resource, context)
{
    ManagedProcess? process;
    Func<CancellationToken, Task<bool>>? readiness;

    public override ManagedProcess? Process => process;

    /// <summary>The signal that asks this kind of server for a quick, clean shutdown.</summary>
    protected virtual int StopSignal => Posix.SIGTERM;

    protected virtual TimeSpan StopGrace => TimeSpan.FromSeconds(15);

    protected virtual TimeSpan StartTimeout => TimeSpan.FromSeconds(60);

    protected ManagedProcess StartProcess(
        string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        process = ManagedProcess.Start(
            fileName, arguments, environment ?? new Dictionary<string, string?>(), Context.LogPath(Name), workingDirectory, ConsoleLog.Append);
        return process;
    }

    /// <summary>Waits until <paramref name="probe"/> passes; the same probe answers health checks afterwards.</summary>
    protected Task WaitUntilAsync(Func<CancellationToken, Task<bool>> probe, CancellationToken cancellationToken)
    {
        readiness = probe;
        return Probes.WaitAsync(Name, probe, process, StartTimeout, cancellationToken);
    }

    public override async Task<bool?> CheckHealthAsync(CancellationToken cancellationToken) =>
        State == ResourceState.Running && readiness is { } probe ? await probe(cancellationToken) : null;

    protected override async Task StopCoreAsync()
    {
        if (process is { } running)
        {
            process = null;
            await running.StopAsync(StopSignal, StopGrace);
            await running.DisposeAsync();
        }
    }
}
