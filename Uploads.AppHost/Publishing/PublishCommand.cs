using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Publishing;

/// <summary>
/// <c>publish --output DIR</c>: describes the app model that runs locally for a container deployment, starting nothing:
/// <c>manifest.json</c> (Aspire's manifest shape), <c>docker-compose.yaml</c> and <c>.env.example</c>.
/// </summary>
public static class PublishCommand
{
    /// <param name="addModel">Adds the app model to the builder, as the AppHost does when it runs.</param>
    public static int Run(string[] arguments, Action<DistributedApplicationBuilder> addModel)
    {
        if (arguments is not ["--output", var output] || string.IsNullOrWhiteSpace(output))
        {
            Console.Error.WriteLine("usage: publish --output DIR");
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
        File.WriteAllText(Path.Combine(directory, ComposeWriter.FileName), ComposeWriter.Write(context.Resources, directory));
        File.WriteAllText(Path.Combine(directory, ComposeWriter.VariablesFileName), ComposeWriter.WriteVariables(context.Resources));
        foreach (var file in new[] { ManifestWriter.FileName, ComposeWriter.FileName, ComposeWriter.VariablesFileName })
        {
            Console.WriteLine(Path.Combine(directory, file));
        }

        return 0;
    }
}
