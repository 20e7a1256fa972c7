using Uploads.AppHost;
using Uploads.AppHost.ApplicationModel;
using Uploads.AppHost.Dashboard;
using Uploads.AppHost.Orchestration;
using Uploads.AppHost.Publishing;
using Uploads.AppHost.Tokens;

// `token --tenant T --user U` prints a development token for the API this AppHost runs, and nothing else.
if (args is ["token", .. var tokenArguments])
{
    return TokenCommand.Run(tokenArguments);
}

// `publish --output DIR` writes manifest.json, docker-compose.yaml and .env.example for a container deployment.
if (args is ["publish", .. var publishArguments])
{
    return PublishCommand.Run(publishArguments, model => model.AddUploads());
}

var settings = AppHostConfiguration.Read(args);
var builder = new DistributedApplicationBuilder(settings.Options);
builder.AddUploads(settings.ApiReplicas, settings.WorkerReplicas);

await using var app = builder.Build();
if (settings.Dashboard is { } dashboard)
{
    app.AddDashboard(dashboard);
}

return await app.RunAsync();
