using Uploads.AppHost.ApplicationModel;
using Uploads.AppHost.Dashboard;

namespace Uploads.AppHost;

/// <param name="Options">How the app model runs: where its state lives, its environment, fixed ports.</param>
/// <param name="Dashboard">The development dashboard; null when turned off (<c>--dashboard false</c>).</param>
/// <param name="ApiReplicas">API processes (<c>--api-replicas</c>), each on its own port: the first on the API's port.</param>
/// <param name="WorkerReplicas">Worker processes (<c>--worker-replicas</c>) competing for the same queue.</param>
public sealed record AppHostSettings(DistributedApplicationOptions Options, DashboardOptions? Dashboard, int ApiReplicas = 1, int WorkerReplicas = 1);
