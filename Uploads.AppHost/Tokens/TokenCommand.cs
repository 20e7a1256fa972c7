
namespace Uploads.AppHost.Tokens;

/// <summary>
/// <c>dotnet run --project Uploads.AppHost -- token --tenant t1 --user u1 [--lifetime 01:00:00] [--state-dir DIR]</c>:
/// prints a bearer token, alone on standard output, signed with the key the AppHost gives the API.
/// </summary>
public static class TokenCommand
{
    public static int Run(string[] args)
    {
        var options = AppHostOptions.Read(AppHostOptions.Configuration(args));
        var arguments = new ConfigurationBuilder()
            .AddCommandLine(args, new Dictionary<string, string> { ["--tenant"] = "tenant", ["--user"] = "user", ["--lifetime"] = "lifetime" })
            .Build();
        var tenant = arguments["tenant"];
        var user = arguments["user"];
        if (string.IsNullOrEmpty(tenant) || string.IsNullOrEmpty(user))
        {
            Console.Error.WriteLine("usage: token --tenant TENANT --user USER [--lifetime HH:MM:SS] [--state-dir DIR]");
            return 2;
        }

        var lifetime = TimeSpan.TryParse(arguments["lifetime"], out var parsed) ? parsed : TimeSpan.FromHours(1);
        Console.WriteLine(DevelopmentSigningKey.MintToken(options.StateDirectory, tenant, user, lifetime));
        return 0;
    }
}
