namespace Uploads.AppHost.ApplicationModel;

/// <summary>A Redis server used as a cache: nothing it holds is kept across restarts.</summary>
public sealed class RedisResource(string name, int port) : Resource(name), IResourceWithConnectionString
{
    public int Port { get; } = port;
    public override string Kind => "redis";
    public override string Endpoint => $"tcp://127.0.0.1:{Port}";
    public string ConnectionString => $"127.0.0.1:{Port}";
}
