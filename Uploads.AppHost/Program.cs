using Uploads.AppHost;
using Uploads.AppHost.Hosting;

// `token --tenant T --user U` prints a development token for the API this AppHost runs, and nothing else.
if (args is ["token", .. var tokenArguments])
{
    return TokenCommand.Run(tokenArguments);
}

var builder = new DistributedApplicationBuilder(AppHostConfiguration.Read(args));
builder.AddUploads();

await using var app = builder.Build();
return await app.RunAsync();
