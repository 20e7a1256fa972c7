namespace Uploads.AppHost.Orchestration;

/// <summary>Work that runs beside the application, started before its resources and stopped after them (Aspire's lifecycle hooks).</summary>
public interface IDistributedApplicationLifecycleHook : IAsyncDisposable
{
    Task BeforeStartAsync(DistributedApplication app, CancellationToken cancellationToken);
}
