using Uploads.AppHost;
using Uploads.AppHost.Hosting;
using Uploads.AppHost.Publishing;

// `token --tenant T --user U` prints a development token for the API this AppHost runs, and nothing else.
if (args is ["token", .. var tokenArguments])
{
    return TokenCommand.Run(tokenArguments);
}

// `publish --output DIR` writes manifest.json, docker-compose.yaml and .env.example for a container deployment.
if (args is ["publish", .. var publishArguments])
{
    return PublishCommand.Run(publishArguments);
}

var builder = new DistributedApplicationBuilder(AppHostConfiguration.Read(args));
builder.AddUploads();

await using var app = builder.Build();
return await app.RunAsync();
