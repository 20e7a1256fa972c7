using Uploads.AppHost;
using Uploads.AppHost.Resources;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// The ports a stack's services listen on, chosen before it is built: the fault proxies must know where to forward,
/// and several stacks (and <c>./run.sh</c>) can run side by side. Passed to the AppHost as <c>--AppHost:Ports:NAME</c>.
/// </summary>
public sealed class StackPorts
{
    static readonly string[] Names =
        ["postgres", "storage", "cache", "messaging", "messaging-dist", "messaging-epmd", "scanner", "api", "dashboard", "otlp-grpc", "otlp-http"];

    readonly Dictionary<string, int> ports = Names.ToDictionary(name => name, _ => FreePorts.Next());

    public int this[string name] => ports[name];

    public IEnumerable<string> Arguments => ports.Select(port => $"--AppHost:Ports:{port.Key}={port.Value}");
}
