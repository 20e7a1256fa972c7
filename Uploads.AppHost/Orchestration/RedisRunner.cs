using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Orchestration;

/// <summary>Runs <c>redis-server</c> on loopback, saving nothing.</summary>
public sealed class RedisRunner(RedisResource redis, OrchestrationContext context) : ProcessRunner(redis, context)
{
    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var dataDirectory = Context.DataDirectory(Name);
        Directory.CreateDirectory(dataDirectory);
        // A cache: nothing is saved, so a restart starts empty and a stop never waits on a snapshot.
        StartProcess("redis-server",
            ["--port", redis.Port.ToString(), "--bind", "127.0.0.1", "--dir", dataDirectory, "--save", "", "--appendonly", "no"]);
        await WaitUntilAsync(ct => Probes.RedisPingAsync(redis.Port, ct), cancellationToken);
    }
}
