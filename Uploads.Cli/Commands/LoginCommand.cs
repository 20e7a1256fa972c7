using System.CommandLine;
using Spectre.Console;
using Uploads.Cli.Api;
using Uploads.Cli.Configuration;

namespace Uploads.Cli.Commands;

public static class LoginCommand
{
    public static Command Create()
    {
        var command = new Command("login", "Check an API URL and token, then keep them (readable by you only) for the other commands.");
        command.SetAction((parse, cancellationToken) => CommandLine.RunAsync(async () =>
        {
            var api = parse.GetValue(CommandLine.Api) ?? Environment.GetEnvironmentVariable("UPLOADS_API");
            var token = CommandLine.TokenFrom(parse) ?? Environment.GetEnvironmentVariable("UPLOADS_TOKEN");
            if (api is null || token is null)
            {
                throw new UsageException("login needs --api URL and a token: --token - (read from standard input) or UPLOADS_TOKEN.");
            }

            var settings = new ClientSettings(ClientSettings.ParseApi(api), token);
            using (var client = new UploadsClient(settings))
            {
                await client.ListBatchesAsync(null, cancellationToken);
            }

            settings.Save();
            AnsiConsole.MarkupLineInterpolated($"Logged in to {settings.Api}; saved in {ClientPaths.SettingsFile}.");
            return CommandLine.Succeeded;
        }));
        return command;
    }
}
