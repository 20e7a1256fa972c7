using Uploads.AppHost.Orchestration;

namespace Uploads.AppHost.Dashboard;

public static class DashboardExtensions
{
    /// <summary>The development dashboard, beside the application's resources.</summary>
    public static DashboardLifecycleHook AddDashboard(this DistributedApplication app, DashboardOptions options) =>
        app.AddLifecycleHook(new DashboardLifecycleHook(options));
}
