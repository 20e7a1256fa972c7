using Uploads.AppHost.Publishing.Kubernetes;
using Uploads.AppHost.Resources;

namespace Uploads.AppHost.Publishing;

/// <summary>
/// <c>publish [--target compose|kubernetes] --output DIR</c>: builds the app model in publish mode, lets Aspire's
/// manifest publisher write <c>manifest.json</c>, and writes from it either <c>docker-compose.yaml</c> with
/// <c>.env.example</c> (the default) or a Helm chart. Starts nothing.
/// </summary>
public static class PublishCommand
{
    public static async Task<int> RunAsync(string[] arguments)
    {
        var (target, output) = arguments switch
        {
            ["--output", var path] => ("compose", path),
            ["--target", var name, "--output", var path] => (name, path),
            ["--output", var path, "--target", var name] => (name, path),
            _ => (null, null),
        };
        if (target is not ("compose" or "kubernetes") || string.IsNullOrWhiteSpace(output))
        {
            Console.Error.WriteLine("usage: publish [--target compose|kubernetes] --output DIR");
            return 2;
        }

        var directory = Directory.CreateDirectory(output).FullName;
        var manifestPath = Path.Combine(directory, AspireManifest.FileName);
        var builder = DistributedApplication.CreateBuilder(["--operation", "publish", "--publisher", "manifest", "--output-path", manifestPath]);
        builder.AddUploads(new AppHostOptions());
        var scannerConfiguration = Path.Combine(directory, "scanner", "clamd.conf");
        Directory.CreateDirectory(Path.GetDirectoryName(scannerConfiguration)!);
        await File.WriteAllTextAsync(scannerConfiguration, ClamAvContainerResource.Configuration);

        await using var app = builder.Build();
        await app.RunAsync();
        var resources = AspireManifest.Read(manifestPath, app.Services.GetRequiredService<DistributedApplicationModel>());

        IEnumerable<string> written = [AspireManifest.FileName];
        if (target == "kubernetes")
        {
            written = written.Concat(HelmChartWriter.Write(resources, directory));
        }
        else
        {
            await File.WriteAllTextAsync(Path.Combine(directory, ComposeWriter.FileName), ComposeWriter.Write(resources, directory));
            await File.WriteAllTextAsync(Path.Combine(directory, ComposeWriter.VariablesFileName), ComposeWriter.WriteVariables(resources));
            written = written.Concat([ComposeWriter.FileName, ComposeWriter.VariablesFileName]);
        }

        foreach (var file in written)
        {
            Console.WriteLine(Path.Combine(directory, file));
        }

        return 0;
    }
}
