using Uploads.AppHost.ApplicationModel;
using Uploads.AppHost.Publishing.Kubernetes;

namespace Uploads.AppHost.Publishing;

/// <summary>
/// <c>publish [--target compose|kubernetes] --output DIR</c>: describes the app model that runs locally for a container
/// deployment, starting nothing: <c>manifest.json</c> (Aspire's manifest shape) and either <c>docker-compose.yaml</c>
/// with <c>.env.example</c> (the default) or a Helm chart.
/// </summary>
public static class PublishCommand
{
    /// <param name="addModel">Adds the app model to the builder, as the AppHost does when it runs.</param>
    public static int Run(string[] arguments, Action<DistributedApplicationBuilder> addModel)
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
        var builder = new DistributedApplicationBuilder(new DistributedApplicationOptions { StateDirectory = directory, IsPublishMode = true });
        addModel(builder);

        var context = new PublishContext(directory);
        foreach (var resource in builder.Resources)
        {
            ManifestPublisher.Publish(resource, context);
        }

        File.WriteAllText(Path.Combine(directory, ManifestWriter.FileName), ManifestWriter.Write(context.Resources));
        IEnumerable<string> written = [ManifestWriter.FileName];
        if (target == "kubernetes")
        {
            written = written.Concat(HelmChartWriter.Write(context.Resources, directory));
        }
        else
        {
            File.WriteAllText(Path.Combine(directory, ComposeWriter.FileName), ComposeWriter.Write(context.Resources, directory));
            File.WriteAllText(Path.Combine(directory, ComposeWriter.VariablesFileName), ComposeWriter.WriteVariables(context.Resources));
            written = written.Concat([ComposeWriter.FileName, ComposeWriter.VariablesFileName]);
        }

        foreach (var file in written)
        {
            Console.WriteLine(Path.Combine(directory, file));
        }

        return 0;
    }
}
