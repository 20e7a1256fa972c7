namespace Uploads.AppHost.Orchestration;

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
