using System.Diagnostics;
using System.Net;
using Uploads.AppHost.ApplicationModel;
using Uploads.AppHost.Orchestration;
using Uploads.AppHost.Tokens;
using Uploads.Infrastructure.Security;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Security;

/// <summary>The API run as in Production, against the test stack's services.</summary>
[Collection(StackCollection.Name)]
public sealed class ProductionSafetyTests(UploadsStack stack)
{
    [Fact]
    public async Task Production_refuses_development_keys_and_default_storage_credentials()
    {
        using var api = StartApi(Ports.Free(), developmentKeys: true, storageCredentials: "AccessKey=S3RVER;SecretKey=S3RVER");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        await api.WaitForExitAsync(timeout.Token);
        var errors = await api.StandardError.ReadToEndAsync();

        Assert.NotEqual(0, api.ExitCode);
        Assert.Contains("Refusing to run in Production", errors);
        Assert.Contains("development keys", errors);
        Assert.Contains("well-known default", errors);
    }

    [Fact]
    public async Task Production_has_no_development_token_endpoint()
    {
        var port = Ports.Free();
        using var api = StartApi(port, developmentKeys: false, storageCredentials: "AccessKey=production-key;SecretKey=production-secret");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Eventually.TrueAsync(async () =>
            {
                Assert.False(api.HasExited, "the API exited");
                try
                {
                    return (await http.GetAsync("/alive")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "the API to be alive");

            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dev/token")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/scalar/v1")).StatusCode);
        }
        finally
        {
            api.Kill();
        }
    }

    Process StartApi(int port, bool developmentKeys, string storageCredentials)
    {
        var assembly = AppHostPaths.Project("api");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetDirectoryName(assembly),
        };
        start.ArgumentList.Add(assembly);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ConnectionStrings__uploads"] = stack.Resources.Database.ConnectionString;
        start.Environment["ConnectionStrings__storage"] = $"Endpoint={stack.Resources.Storage.Endpoint};{storageCredentials}";
        start.Environment["ConnectionStrings__cache"] = stack.Resources.Cache.ConnectionString;
        start.Environment["ConnectionStrings__messaging"] = stack.Resources.Messaging.ConnectionString;
        start.Environment["Authentication__Tokens__SigningKeys__0"] = DevelopmentTokens.NewSigningKey();
        start.Environment["Authentication__Tokens__DevelopmentKeys"] = developmentKeys ? "true" : "false";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }
}
