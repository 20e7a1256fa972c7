using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using Uploads.AppHost.Publishing.Kubernetes;
using Uploads.Infrastructure.Messaging;
using Uploads.Worker.Sync;
using YamlDotNet.RepresentationModel;

namespace Uploads.Tests.Kubernetes;

/// <summary>
/// The Helm chart as a cluster would take it: every object valid against the Kubernetes 1.34 OpenAPI schemas and
/// KEDA's, with no field Kubernetes does not know; every container pinned, probed, limited and unprivileged; every
/// reference resolving inside the release; no secret value anywhere. No cluster runs here, so that is as far as it goes.
/// </summary>
public sealed partial class HelmChartTests(RenderedChart chart) : IClassFixture<RenderedChart>
{
    static readonly string[] Workloads = ["Deployment", "StatefulSet", "Job"];

    public static TheoryData<string> Renderings => ["trial", "production", "without-migration-job"];

    string Rendered(string rendering) => rendering switch
    {
        "trial" => chart.Trial,
        "production" => chart.Production,
        "without-migration-job" => chart.WithoutMigrationJob,
        _ => throw new ArgumentOutOfRangeException(nameof(rendering)),
    };

    [Theory]
    [MemberData(nameof(Renderings))]
    public async Task Every_object_validates_against_the_Kubernetes_and_KEDA_schemas(string rendering)
    {
        var rendered = Rendered(rendering);
        var results = await ValidateAsync(rendered);

        Assert.Equal(Objects(rendered).Count, results.Count);
        Assert.All(results, result => Assert.True(result["errors"]!.AsArray().Count == 0, result.ToJsonString()));
    }

    [Fact]
    public async Task The_schema_validator_refuses_what_a_cluster_would()
    {
        var results = await ValidateAsync("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: wrong-types}
            spec: {replicas: "two", selector: {}, template: {spec: {containers: [{name: c, image: i}]}}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: missing-container-name}
            spec: {containers: [{image: i}]}
            ---
            apiVersion: example.com/v1
            kind: Unknown
            metadata: {name: no-schema}
            """);

        Assert.Equal(3, results.Count);
        Assert.All(results, result => Assert.NotEmpty(result["errors"]!.AsArray()));
    }

    /// <summary>The schemas allow unknown fields (Kubernetes drops them, with a warning); the typed models do not.</summary>
    [Theory]
    [MemberData(nameof(Renderings))]
    public void No_object_has_a_field_Kubernetes_does_not_know(string rendering)
    {
        var core = Documents(Rendered(rendering)).Where(d => !d.Contains("apiVersion: keda.sh/", StringComparison.Ordinal)).ToList();

        var loaded = KubernetesYaml.LoadAllFromString(string.Join("\n---\n", core), strict: true);

        Assert.Equal(core.Count, loaded.Count);
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: typo}\nspec: {replica: 2}\n", strict: true));
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public void Every_container_is_pinned_probed_limited_and_unprivileged(string rendering)
    {
        // The checks below run per workload and per container: none rendered would pass them all.
        var workloads = Objects(Rendered(rendering)).Where(o => Workloads.Contains(Kind(o))).ToList();
        Assert.Contains(workloads, w => Name(w) == "api");
        foreach (var workload in workloads)
        {
            var pod = PodSpec(workload);
            var where = $"{Kind(workload)} {Name(workload)}";
            Assert.NotEmpty(Containers(pod));
            Assert.True((bool?)pod["securityContext"]?["runAsNonRoot"] == true, $"{where}: the pod may run as root");
            Assert.NotEqual(0, (int?)pod["securityContext"]?["runAsUser"]);
            Assert.False((bool?)pod["automountServiceAccountToken"] ?? true, $"{where}: mounts a service account token it does not use");

            foreach (var container in Containers(pod))
            {
                var what = $"{where}, container {container["name"]}";
                var image = (string)container["image"]!;
                Assert.Matches(PinnedImage(), image);
                Assert.DoesNotContain(":latest", image, StringComparison.Ordinal);
                Assert.True((bool?)container["securityContext"]?["runAsNonRoot"] == true, $"{what}: may run as root");
                Assert.True((bool?)container["securityContext"]?["allowPrivilegeEscalation"] == false, $"{what}: may escalate");
                Assert.Equal("ALL", (string?)container["securityContext"]?["capabilities"]?["drop"]?[0]);
                Assert.NotNull(container["resources"]?["limits"]?["cpu"]);
                Assert.NotNull(container["resources"]?["limits"]?["memory"]);
                Assert.NotNull(container["resources"]?["requests"]?["memory"]);
                if (Kind(workload) == "Deployment")
                {
                    Assert.True((bool?)container["securityContext"]?["readOnlyRootFilesystem"] == true, $"{what}: writable root file system");
                }
            }

            // Jobs and init containers run to completion: readiness means nothing to them.
            if (Kind(workload) != "Job")
            {
                Assert.All(pod["containers"]!.AsArray(), container =>
                {
                    Assert.NotNull(container!["readinessProbe"]);
                    Assert.NotNull(container["livenessProbe"]);
                });
            }
        }
    }

    [Fact]
    public void The_api_and_the_worker_probe_their_health_endpoints_and_the_worker_outlives_its_syncs_when_stopped()
    {
        var objects = Objects(chart.Trial);
        foreach (var name in new[] { "api", "worker" })
        {
            var container = PodSpec(Single(objects, "Deployment", name))["containers"]![0]!;
            Assert.Equal("/health", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
            Assert.Equal("/alive", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
            Assert.NotNull(Single(objects, "PodDisruptionBudget", name));
        }

        var grace = (int)PodSpec(Single(objects, "Deployment", "worker"))["terminationGracePeriodSeconds"]!;
        Assert.True(grace > new SyncOptions().ShutdownTimeout.TotalSeconds,
            $"the worker gets {grace} s before SIGKILL but may take {new SyncOptions().ShutdownTimeout} to stop");
    }

    /// <summary>
    /// Ingress is denied to every pod of the release but what the model says: clamd admits the worker's pods (and the
    /// migrations Job's, the same image), PostgreSQL, Redis and RabbitMQ our services only, on their own ports; the API
    /// and storage's S3 port anyone. Seen failing before: no NetworkPolicy was rendered.
    /// </summary>
    [Fact]
    public void Network_policies_deny_ingress_by_default_and_admit_each_backing_service_s_clients_only()
    {
        var policies = Objects(chart.Trial).Where(o => Kind(o) == "NetworkPolicy").ToDictionary(Name);
        string[] Admitted(string service) => [.. policies[$"{service}-ingress"]["spec"]!["ingress"]!.AsArray()
            .SelectMany(rule => rule!["from"]?.AsArray() ?? [])
            .Select(from => (string)from!["podSelector"]!["matchLabels"]!["app.kubernetes.io/name"]!).Order()];

        var denyAll = policies["default-deny-ingress"]["spec"]!;
        Assert.Null(denyAll["ingress"]);
        Assert.Equal("Ingress", (string?)denyAll["policyTypes"]![0]);
        Assert.Equal(["migrations", "worker"], Admitted("scanner"));
        foreach (var store in new[] { "postgres", "cache", "messaging" })
        {
            Assert.Equal(["api", "migrations", "worker"], Admitted(store));
        }

        Assert.Contains(policies["api-ingress"]["spec"]!["ingress"]!.AsArray(), rule => rule!["from"] is null);
    }

    [Fact]
    public void The_api_scales_on_cpu_from_two_replicas_and_the_worker_on_the_length_of_its_queue()
    {
        var objects = Objects(chart.Trial);

        var autoscaler = Single(objects, "HorizontalPodAutoscaler", "api");
        Assert.Equal("api", (string?)autoscaler["spec"]!["scaleTargetRef"]!["name"]);
        Assert.True((int)autoscaler["spec"]!["minReplicas"]! >= 2);
        Assert.Equal("cpu", (string?)autoscaler["spec"]!["metrics"]![0]!["resource"]!["name"]);
        Assert.Null(Single(objects, "Deployment", "api")["spec"]!["replicas"]);

        var scaled = Single(objects, "ScaledObject", "worker");
        Assert.Equal("worker", (string?)scaled["spec"]!["scaleTargetRef"]!["name"]);
        var triggers = scaled["spec"]!["triggers"]!.AsArray();
        Assert.Equal([Queues.FileSync, Queues.FileDerivatives], triggers.Select(t => (string?)t!["metadata"]!["queueName"]));
        Assert.All(triggers, t => Assert.Equal(("rabbitmq", "20"), ((string?)t!["type"], (string?)t["metadata"]!["value"])));
        var trigger = triggers[0]!;
        Assert.Equal("QueueLength", (string?)trigger["metadata"]!["mode"]);
        var worker = Containers(PodSpec(Single(objects, "Deployment", "worker"))).First(c => (string?)c["name"] == "worker");
        var variables = worker["env"]!.AsArray().Select(v => (string)v!["name"]!).ToHashSet();
        Assert.Contains((string)trigger["metadata"]!["usernameFromEnv"]!, variables);
        Assert.Contains((string)trigger["metadata"]!["passwordFromEnv"]!, variables);

        // Without KEDA in the cluster, the worker keeps the replicas it is given.
        var production = Objects(chart.Production);
        Assert.DoesNotContain(production, o => Kind(o) == "ScaledObject");
        Assert.Equal(1, (int?)Single(production, "Deployment", "worker")["spec"]!["replicas"]);
    }

    [Fact]
    public void Migrations_run_once_in_a_job_and_the_replicas_wait_for_them_instead_of_migrating()
    {
        var trial = Objects(chart.Trial);
        var job = Assert.Single(trial, o => Kind(o) == "Job" && Name(o).StartsWith("migrations", StringComparison.Ordinal));
        Assert.Equal("migrate", (string?)PodSpec(job)["containers"]![0]!["args"]![0]);
        foreach (var name in new[] { "api", "worker" })
        {
            var pod = PodSpec(Single(trial, "Deployment", name));
            Assert.Equal("wait-for-migrations", (string?)pod["initContainers"]![0]!["args"]![0]);
            Assert.Equal("false", Variable(pod["containers"]![0]!, "Database__MigrateOnStartup"));
        }

        var withoutJob = Objects(chart.WithoutMigrationJob);
        Assert.DoesNotContain(withoutJob, o => Kind(o) == "Job" && Name(o).StartsWith("migrations", StringComparison.Ordinal));
        foreach (var name in new[] { "api", "worker" })
        {
            var pod = PodSpec(Single(withoutJob, "Deployment", name));
            Assert.Null(pod["initContainers"]);
            Assert.Equal("true", Variable(pod["containers"]![0]!, "Database__MigrateOnStartup"));
        }
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public void Every_reference_resolves_inside_the_release(string rendering)
    {
        var objects = Objects(Rendered(rendering));
        var secrets = new HashSet<string> { "uploads-secrets", "uploads-tls", "otlp" };
        secrets.UnionWith(RenderedChart.ExternalServices.Select(s => $"{s}-connection"));
        var configMaps = objects.Where(o => Kind(o) == "ConfigMap").Select(Name).ToHashSet();
        var services = objects.Where(o => Kind(o) == "Service").ToDictionary(Name);
        Assert.Contains("api", services.Keys);
        Assert.Contains(objects, o => Kind(o) == "Deployment" && Name(o) == "worker");

        foreach (var workload in objects.Where(o => Workloads.Contains(Kind(o))))
        {
            var pod = PodSpec(workload);
            var labels = (workload["spec"]!["template"]!["metadata"]?["labels"] as JsonObject) ?? [];
            if (Kind(workload) != "Job")
            {
                Assert.True(Matches(workload["spec"]!["selector"]!["matchLabels"]!.AsObject(), labels), $"{Name(workload)}: its selector misses its pods");
            }

            var volumes = (pod["volumes"]?.AsArray() ?? []).Select(v => (string)v!["name"]!)
                .Concat((workload["spec"]!["volumeClaimTemplates"]?.AsArray() ?? []).Select(v => (string)v!["metadata"]!["name"]!))
                .ToHashSet();
            foreach (var volume in pod["volumes"]?.AsArray() ?? [])
            {
                if (volume!["configMap"]?["name"] is { } configMap)
                {
                    Assert.Contains((string)configMap!, configMaps);
                }
            }

            foreach (var container in Containers(pod))
            {
                var defined = new HashSet<string>();
                foreach (var variable in container["env"]?.AsArray() ?? [])
                {
                    if (variable!["valueFrom"]?["secretKeyRef"]?["name"] is { } secret)
                    {
                        Assert.Contains((string)secret!, secrets);
                    }

                    AssertExpandsOnlyDefined((string?)variable["value"], defined, Name(workload));
                    defined.Add((string)variable["name"]!);
                }

                foreach (var argument in container["args"]?.AsArray() ?? [])
                {
                    AssertExpandsOnlyDefined((string?)argument, defined, Name(workload));
                }

                foreach (var mount in container["volumeMounts"]?.AsArray() ?? [])
                {
                    Assert.Contains((string)mount!["name"]!, volumes);
                }
            }
        }

        foreach (var service in services.Values)
        {
            Assert.Contains(objects, o => Kind(o) is "Deployment" or "StatefulSet"
                && Matches(service["spec"]!["selector"]!.AsObject(), o["spec"]!["template"]!["metadata"]!["labels"]!.AsObject()));
        }

        foreach (var budget in objects.Where(o => Kind(o) == "PodDisruptionBudget"))
        {
            Assert.Contains(objects, o => Kind(o) == "Deployment"
                && Matches(budget["spec"]!["selector"]!["matchLabels"]!.AsObject(), o["spec"]!["template"]!["metadata"]!["labels"]!.AsObject()));
        }

        foreach (var scaler in objects.Where(o => Kind(o) is "HorizontalPodAutoscaler" or "ScaledObject"))
        {
            Assert.Contains(objects, o => Kind(o) == "Deployment" && Name(o) == (string?)scaler["spec"]!["scaleTargetRef"]!["name"]);
        }

        foreach (var ingress in objects.Where(o => Kind(o) == "Ingress"))
        {
            foreach (var path in ingress["spec"]!["rules"]!.AsArray().SelectMany(r => r!["http"]!["paths"]!.AsArray()))
            {
                var backend = path!["backend"]!["service"]!;
                var service = services[(string)backend["name"]!];
                Assert.Contains(service["spec"]!["ports"]!.AsArray(), p => (string?)p!["name"] == (string?)backend["port"]!["name"]);
            }
        }
    }

    [Fact]
    public async Task The_chart_carries_no_secret_and_its_notes_name_every_key_the_release_reads()
    {
        foreach (var rendering in new[] { chart.Trial, chart.Production, chart.WithoutMigrationJob })
        {
            Assert.DoesNotContain(Objects(rendering), o => Kind(o) == "Secret");
        }

        // The operator's Secret holds these keys; the chart only names them.
        var keys = Objects(chart.Trial).Where(o => Workloads.Contains(Kind(o)))
            .SelectMany(o => Containers(PodSpec(o)))
            .SelectMany(c => c["env"]?.AsArray() ?? [])
            .Select(v => v!["valueFrom"]?["secretKeyRef"])
            .Where(reference => (string?)reference?["name"] == "uploads-secrets")
            .Select(reference => (string)reference!["key"]!)
            .ToHashSet();
        Assert.Contains("token-signing-key", keys);
        Assert.Contains("postgres-password", keys);

        // Helm shows NOTES.txt only on a real install; its template names each key literally.
        var notes = await File.ReadAllTextAsync(Path.Combine(chart.ChartDirectory, "templates", "NOTES.txt"));
        Assert.All(keys, key => Assert.Contains($"--from-literal={key}=", notes));

        Assert.Matches(SecretLikeValue(), "  postgres-password: hunter2");
        var files = Directory.EnumerateFiles(chart.ChartDirectory, "*", SearchOption.AllDirectories).Select(File.ReadAllText).ToList();
        Assert.All(files, text => Assert.DoesNotMatch(SecretLikeValue(), text));
    }

    [Fact]
    public void Production_reads_every_connection_string_from_the_operators_secrets_and_runs_no_backing_service()
    {
        var objects = Objects(chart.Production);
        Assert.DoesNotContain(objects, o => Kind(o) == "StatefulSet");
        foreach (var name in new[] { "api", "worker" })
        {
            var container = PodSpec(Single(objects, "Deployment", name))["containers"]![0]!;
            var connectionStrings = container["env"]!.AsArray().Where(v => ((string)v!["name"]!).StartsWith("ConnectionStrings__", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(connectionStrings);
            foreach (var variable in connectionStrings)
            {
                Assert.Null(variable!["value"]);
                Assert.EndsWith("-connection", (string)variable["valueFrom"]!["secretKeyRef"]!["name"]!, StringComparison.Ordinal);
            }

            Assert.Equal("http://aspire-dashboard:18889", Variable(container, "OTEL_EXPORTER_OTLP_ENDPOINT"));
        }

        var ingress = Single(objects, "Ingress", "api");
        Assert.Equal("uploads.example.com", (string?)ingress["spec"]!["rules"]![0]!["host"]);
        Assert.Equal("uploads-tls", (string?)ingress["spec"]!["tls"]![0]!["secretName"]);
    }

    [Fact]
    public async Task A_deployment_that_leaves_out_a_required_value_is_refused_by_helm_with_what_to_set()
    {
        var (exitCode, _, errors) = await RenderedChart.RunAsync(chart.HelmPath, ["template", "uploads", chart.ChartDirectory]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("parameters.", errors, StringComparison.Ordinal);
    }

    static async Task<List<JsonObject>> ValidateAsync(string rendered)
    {
        var (_, output, errors) = await RenderedChart.RunAsync("node", ["validate.mjs"], rendered);
        var results = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        Assert.True(results.Count > 0, $"the validator printed nothing: {errors}");
        return results;
    }

    static IEnumerable<string> Documents(string rendered) =>
        DocumentSeparator().Split(rendered).Where(d => d.Contains("kind:", StringComparison.Ordinal));

    static IReadOnlyList<JsonObject> Objects(string rendered) =>
        RenderedChart.Objects(rendered).Select(node => (JsonObject)ToJson(node)!).ToList();

    static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: var value } when int.TryParse(value, out var number) => number,
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "true" or "false" } scalar => scalar.Value == "true",
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "null" or "~" or "" } => null,
        YamlScalarNode scalar => scalar.Value,
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    static string Kind(JsonObject o) => (string)o["kind"]!;

    static string Name(JsonObject o) => (string)o["metadata"]!["name"]!;

    static JsonObject Single(IEnumerable<JsonObject> objects, string kind, string name) =>
        Assert.Single(objects, o => Kind(o) == kind && Name(o) == name);

    static JsonObject PodSpec(JsonObject workload) => workload["spec"]!["template"]!["spec"]!.AsObject();

    static IEnumerable<JsonNode> Containers(JsonObject pod) =>
        (pod["initContainers"]?.AsArray() ?? []).Concat(pod["containers"]!.AsArray()).Select(c => c!);

    static string? Variable(JsonNode container, string name) =>
        (string?)container["env"]!.AsArray().Single(v => (string?)v!["name"] == name)!["value"];

    static bool Matches(JsonObject selector, JsonObject labels) =>
        selector.Count > 0 && selector.All(pair => (string?)labels[pair.Key] == (string?)pair.Value);

    /// <summary>Kubernetes expands <c>$(NAME)</c> only from variables defined before; anything else stays as typed.</summary>
    static void AssertExpandsOnlyDefined(string? value, HashSet<string> defined, string workload)
    {
        foreach (Match reference in VariableReference().Matches(value ?? ""))
        {
            Assert.True(defined.Contains(reference.Groups[1].Value), $"{workload}: $({reference.Groups[1].Value}) is not defined before it is used");
        }
    }

    [GeneratedRegex(@"^[a-z0-9./-]+:[A-Za-z0-9._-]+$")]
    private static partial Regex PinnedImage();

    [GeneratedRegex(@"^---\s*$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex VariableReference();

    /// <summary>A password, key or token written as a value: anything after a key that names one, other than a reference.</summary>
    [GeneratedRegex(@"(?im)^\s*[\w-]*(password|secret-?key|signing-?key|token)\s*:\s*(?!$|""""|\{\{|\$\(|true\b|false\b)\S+")]
    private static partial Regex SecretLikeValue();
}
