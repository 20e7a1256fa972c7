using Uploads.AppHost;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Uploads.AppHost.Tokens;
using Uploads.AppHost.Publishing;
using YamlDotNet.RepresentationModel;

namespace Uploads.Tests.AppHost;

/// <summary>
/// <c>publish --output DIR</c>, run as a user runs it. Nothing here can run containers, so the output is checked as a
/// deployment tool would read it: it parses, every reference resolves, every resource is there, no secret is inlined.
/// </summary>
public sealed partial class PublishTests : IAsyncLifetime
{
    /// <summary>What the app model runs locally; each must be deployed too.</summary>
    static readonly string[] ModelResources = ["postgres", "uploads", "storage", "cache", "messaging", "api", "worker"];

    readonly string output = Directory.CreateTempSubdirectory("uploads-publish-").FullName;
    JsonObject manifest = null!;
    YamlMappingNode compose = null!;
    string composeText = "";

    public async ValueTask InitializeAsync()
    {
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { AppHostPaths.BuildOutput("Uploads.AppHost", "Uploads.Tests", "Uploads.AppHost.dll"), "publish", "--output", output })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var publish = Process.Start(startInfo)!;
        var printed = await publish.StandardOutput.ReadToEndAsync();
        var errors = await publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        Assert.True(publish.ExitCode == 0, $"publish exited with {publish.ExitCode}: {errors}{printed}");

        manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, AspireManifest.FileName)))!.AsObject();
        composeText = await File.ReadAllTextAsync(Path.Combine(output, ComposeWriter.FileName));
        var yaml = new YamlStream();
        yaml.Load(new StringReader(composeText));
        compose = (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    JsonObject ManifestResources => manifest["resources"]!.AsObject();

    YamlMappingNode Services => (YamlMappingNode)compose["services"];

    [Fact]
    public void The_manifest_describes_every_resource_of_the_app_model_and_every_expression_resolves()
    {
        Assert.NotNull(manifest["resources"]);
        Assert.All(ModelResources, name => Assert.True(ManifestResources.ContainsKey(name), $"{name} is missing from the manifest"));
        Assert.Equal("project.v0", (string?)ManifestResources["api"]!["type"]);
        Assert.Equal("value.v0", (string?)ManifestResources["uploads"]!["type"]);
        Assert.Equal("{uploads.connectionString}", (string?)ManifestResources["worker"]!["env"]!["ConnectionStrings__uploads"]);

        var strings = ManifestResources.SelectMany(r => StringsIn(r.Value!)).ToList();
        var references = strings.SelectMany(ManifestExpressions.References).Distinct().ToList();
        Assert.NotEmpty(references);
        Assert.All(references, reference =>
        {
            var (resource, property) = reference;
            var target = ManifestResources[resource]?.AsObject();
            Assert.True(target is not null, $"{{{resource}.{property}}} names no resource");
            switch (property.Split('.'))
            {
                case ["connectionString"]:
                    Assert.NotNull(target["connectionString"]);
                    break;
                case ["value"] or ["inputs", "value"]:
                    Assert.Contains((string?)target["type"], new[] { "parameter.v0", "annotated.string" });
                    break;
                case ["bindings", var binding, "host" or "port" or "targetPort" or "url"]:
                    Assert.NotNull(target["bindings"]?[binding]);
                    break;
                default:
                    Assert.Fail($"{{{resource}.{property}}} is not an expression a deployment tool resolves");
                    break;
            }
        });

        foreach (var project in new[] { "api", "worker" })
        {
            var projectFile = Path.GetFullPath(Path.Combine(output, (string)ManifestResources[project]!["path"]!));
            Assert.True(File.Exists(projectFile), $"{projectFile} does not exist");
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(projectFile)!, "Dockerfile")), $"{project} has no Dockerfile beside its project");
        }
    }

    [Fact]
    public void The_compose_file_runs_real_images_and_builds_the_services_from_the_repository_s_Dockerfiles()
    {
        Assert.Equal("uploads", Scalar(compose, "name"));
        Assert.All(ModelResources.Where(r => r != "uploads"), name => Assert.True(Services.Children.ContainsKey(name), $"{name} is not a service"));
        Assert.Matches("(^|/)postgres:", Scalar(Service("postgres"), "image"));
        Assert.StartsWith("minio/minio", Scalar(Service("storage"), "image"));
        Assert.Matches("(^|/)redis:", Scalar(Service("cache"), "image"));
        Assert.Matches("(^|/)rabbitmq:.*management", Scalar(Service("messaging"), "image"));
        Assert.Contains("aspire-dashboard", Scalar(Service(ComposeWriter.DashboardService), "image"));

        foreach (var project in new[] { "api", "worker" })
        {
            var build = (YamlMappingNode)Service(project)["build"];
            var context = Path.GetFullPath(Path.Combine(output, Scalar(build, "context")));
            var dockerfile = Path.Combine(context, Scalar(build, "dockerfile"));
            Assert.True(File.Exists(dockerfile), $"{dockerfile} does not exist");
            var text = File.ReadAllText(dockerfile);
            Assert.Contains($"Uploads.{char.ToUpperInvariant(project[0])}{project[1..]}.dll", text);
            Assert.Matches(@"(?m)^FROM \S+/dotnet/aspnet:10\.0", text);
        }

        Assert.Equal(["8080:8080"], Sequence(Service("api"), "ports"));
        Assert.False(Service("worker").Children.ContainsKey("ports"), "the worker's endpoint is internal");
        Assert.False(Service("postgres").Children.ContainsKey("ports"), "the database is reachable only inside the deployment");
    }

    [Fact]
    public void Every_service_has_a_health_check_its_dependents_wait_on_and_named_volumes_for_its_data()
    {
        var names = Services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet();
        foreach (var (key, node) in Services.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            var service = (YamlMappingNode)node;
            if (service.Children.TryGetValue("depends_on", out var dependsOn))
            {
                Assert.All(((YamlMappingNode)dependsOn).Children, dependency =>
                {
                    var dependencyName = ((YamlScalarNode)dependency.Key).Value!;
                    Assert.Contains(dependencyName, names);
                    var condition = Scalar((YamlMappingNode)dependency.Value, "condition");
                    Assert.True(
                        condition == "service_completed_successfully" || Services[dependencyName] is YamlMappingNode target && target.Children.ContainsKey("healthcheck"),
                        $"{name} waits for {dependencyName} to be {condition}, which it cannot report");
                });
            }
        }

        Assert.All(new[] { "postgres", "storage", "cache", "messaging", "api", "worker" },
            name => Assert.True(Service(name).Children.ContainsKey("healthcheck"), $"{name} has no health check"));
        var declared = ((YamlMappingNode)compose["volumes"]).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet();
        var mounted = Services.Children.Values.Cast<YamlMappingNode>()
            .Where(s => s.Children.ContainsKey("volumes"))
            .SelectMany(s => Sequence(s, "volumes"))
            .Select(v => v.Split(':')[0])
            .Where(source => !source.StartsWith("./", StringComparison.Ordinal))
            .ToList();
        Assert.Contains("postgres-data", mounted);
        Assert.Contains("storage-data", mounted);
        Assert.Contains("scanner-signatures", mounted);
        Assert.All(mounted, volume => Assert.Contains(volume, declared));
        Assert.Equal("service_completed_successfully", Scalar((YamlMappingNode)((YamlMappingNode)Service("api")["depends_on"])["storage-init"], "condition"));
    }

    [Fact]
    public void No_secret_is_inlined_every_one_is_a_required_variable_listed_in_env_example()
    {
        var variables = File.ReadAllText(Path.Combine(output, ComposeWriter.VariablesFileName));
        var used = VariablePattern().Matches(composeText).Select(m => m.Groups["name"].Value).Distinct().ToList();
        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.Matches($"(?m)^{name}=$", variables));

        foreach (var (_, node) in Services.Children)
        {
            var service = (YamlMappingNode)node;
            if (!service.Children.TryGetValue("environment", out var environment))
            {
                continue;
            }

            foreach (var (key, value) in ((YamlMappingNode)environment).Children)
            {
                var variable = ((YamlScalarNode)key).Value!;
                var text = ((YamlScalarNode)value).Value!;
                if (SecretNamePattern().IsMatch(variable))
                {
                    Assert.Matches(@"^\$\{[A-Z_]+:\?", text);
                }

                // Credentials inside connection strings and URLs are variables too.
                var withoutVariables = VariablePattern().Replace(text, "VARIABLE");
                Assert.DoesNotMatch("(?:Password|password|AccessKey|SecretKey)=(?!VARIABLE)", withoutVariables);
                Assert.DoesNotMatch("//[^/:@]*:(?!VARIABLE@)[^/@]+@", withoutVariables);
            }
        }

        var developmentSecrets = new[] { "S3RVER", "uploads-dev-secret", "guest:guest", "minioadmin", "DevelopmentKeys" };
        Assert.All(developmentSecrets, secret => Assert.DoesNotContain(secret, composeText, StringComparison.OrdinalIgnoreCase));
        Assert.All(developmentSecrets, secret => Assert.DoesNotContain(secret, File.ReadAllText(Path.Combine(output, AspireManifest.FileName))));
        Assert.Equal("true", (string?)ManifestResources["token-signing-key"]!["inputs"]!["value"]!["secret"]!.ToString().ToLowerInvariant());
    }

    /// <summary>
    /// Each backing service has an internal network of its own, shared with the services that connect to it and no one
    /// else: clamd is reached from the worker's image only (the worker, and its migrate run), PostgreSQL, Redis and
    /// RabbitMQ from our services only; only the edge network reaches out. Seen failing before: one default network.
    /// </summary>
    [Fact]
    public void Each_backing_service_is_reachable_from_its_clients_only_on_internal_networks()
    {
        Dictionary<string, List<string>> members = [];
        foreach (var (name, service) in Services.Children.Select(c => (((YamlScalarNode)c.Key).Value!, (YamlMappingNode)c.Value)))
        {
            foreach (var network in Sequence(service, "networks"))
            {
                (members.TryGetValue(network, out var list) ? list : members[network] = []).Add(name);
            }
        }

        Assert.Equal(["migrate", "scanner", "worker"], members[ComposeWriter.NetworkTo("scanner")].Order());
        foreach (var store in new[] { "postgres", "cache", "messaging" })
        {
            Assert.Equal(new[] { "api", "migrate", store, "worker" }.Order(StringComparer.Ordinal), members[ComposeWriter.NetworkTo(store)].Order(StringComparer.Ordinal));
        }

        Assert.Equal(["api", "dashboard", "scanner", "storage"], members[ComposeWriter.EdgeNetwork].Order());
        var networks = (YamlMappingNode)compose["networks"];
        foreach (var network in members.Keys.Where(n => n != ComposeWriter.EdgeNetwork))
        {
            Assert.Equal("true", Scalar((YamlMappingNode)networks[network], "internal"));
        }
    }

    [Fact]
    public void Browsers_reach_the_storage_at_its_own_public_endpoint_and_the_bucket_stays_private()
    {
        var api = (YamlMappingNode)Service("api")["environment"];
        Assert.Matches(@"^\$\{STORAGE_PUBLIC_ENDPOINT:\?", Scalar(api, "Storage__PublicEndpoint"));
        Assert.StartsWith("Endpoint=http://storage:9000;", Scalar(api, "ConnectionStrings__storage"));
        Assert.Equal(["9000:9000"], Sequence(Service("storage"), "ports"));

        var storage = (YamlMappingNode)Service("storage")["environment"];
        Assert.Matches(@"^\$\{APP_ORIGIN:\?", Scalar(storage, "MINIO_API_CORS_ALLOW_ORIGIN"));
        // The bucket is created and subscribed to the API's storage events, and nothing else: no anonymous (public) policy is ever set on it.
        Assert.Equal("/bin/sh", Scalar(Service("storage-init"), "entrypoint"));
        Assert.Equal(
            ["-c", "mc mb --ignore-existing storage/uploads && mc event add --ignore-existing storage/uploads arn:minio:sqs::UPLOADS:webhook --event put"],
            Sequence(Service("storage-init"), "command"));
        Assert.DoesNotMatch("(?i)anonymous|policy|public-read", composeText);
    }

    [Fact]
    public void MinIO_reports_every_object_it_creates_to_the_API_with_the_token_the_API_expects()
    {
        var storage = (YamlMappingNode)Service("storage")["environment"];
        Assert.Equal("on", Scalar(storage, "MINIO_NOTIFY_WEBHOOK_ENABLE_UPLOADS"));
        Assert.Equal("http://api:8080/storage/events", Scalar(storage, "MINIO_NOTIFY_WEBHOOK_ENDPOINT_UPLOADS"));
        Assert.Matches(@"^\$\{STORAGE_EVENTS_SECRET:\?", Scalar(storage, "MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_UPLOADS"));
        Assert.Equal(Scalar(storage, "MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_UPLOADS"), Scalar((YamlMappingNode)Service("api")["environment"], "StorageEvents__Secret"));
    }

    YamlMappingNode Service(string name) => (YamlMappingNode)Services[name];

    static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    static List<string> Sequence(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node[key]).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

    static IEnumerable<string> StringsIn(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Value is null ? [] : StringsIn(p.Value)),
        JsonArray a => a.SelectMany(i => i is null ? [] : StringsIn(i)),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    [GeneratedRegex(@"\$\{(?<name>[A-Z_]+):\?[^}]*\}")]
    private static partial Regex VariablePattern();

    [GeneratedRegex("PASSWORD|SECRET|APIKEY|SIGNINGKEY|_AUTH$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretNamePattern();

    public ValueTask DisposeAsync()
    {
        Directory.Delete(output, recursive: true);
        return ValueTask.CompletedTask;
    }
}
