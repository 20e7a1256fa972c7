using Uploads.AppHost;
using Uploads.AppHost.Publishing;
using Uploads.AppHost.Tokens;

// `token --tenant T --user U` prints a development token for the API this AppHost runs, and nothing else.
if (args is ["token", .. var tokenArguments])
{
    return TokenCommand.Run(tokenArguments);
}

// `publish [--target kubernetes] --output DIR`: Aspire's manifest of the model in publish mode, and a compose file
// or a Helm chart written from it.
if (args is ["publish", .. var publishArguments])
{
    return await PublishCommand.RunAsync(publishArguments);
}

var builder = DistributedApplication.CreateBuilder(AppHostDefaults.Apply(args));
builder.AddUploads(AppHostOptions.Read(AppHostOptions.Configuration(args)));
await builder.Build().RunAsync();
return 0;
