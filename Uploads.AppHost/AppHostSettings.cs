using Uploads.AppHost.ApplicationModel;
using Uploads.AppHost.Dashboard;

namespace Uploads.AppHost;

/// <param name="Options">How the app model runs: where its state lives, its environment, fixed ports.</param>
/// <param name="Dashboard">The development dashboard; null when turned off (<c>--dashboard false</c>).</param>
public sealed record AppHostSettings(DistributedApplicationOptions Options, DashboardOptions? Dashboard);
