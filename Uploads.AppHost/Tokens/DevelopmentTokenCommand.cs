using Microsoft.Extensions.Logging;

namespace Uploads.AppHost.Tokens;

public static class DevelopmentTokenCommand
{
    public const string Name = "mint-token";

    /// <summary>
    /// A command on the API's row of the dashboard: mints a development token (tenant <c>dev</c>, user <c>dashboard</c>,
    /// one hour) and writes it to the console log of the replica it ran on, where the dashboard shows it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDevelopmentTokenCommand(this IResourceBuilder<ProjectResource> api, string stateDirectory) =>
        api.WithCommand(Name, "Mint a development token", context =>
        {
            var token = DevelopmentSigningKey.MintToken(stateDirectory, "dev", "dashboard", TimeSpan.FromHours(1));
            context.Services.GetRequiredService<ResourceLoggerService>().GetLogger(context.ResourceName)
                .LogInformation("Development token (tenant dev, user dashboard, 1 h): {Token}", token);
            return Task.FromResult(CommandResults.Success());
        }, new CommandOptions { Description = "Prints a bearer token for tenant 'dev' into this resource's console log.", IconName = "Key" });
}
