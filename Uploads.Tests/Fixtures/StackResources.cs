namespace Uploads.Tests.Fixtures;

/// <summary>
/// One running instance in the stack, by the name Aspire gives the instance (<c>messaging-hbqkzvte</c>,
/// <c>worker-ejwzjmkq</c>: the name a replica's telemetry carries too).
/// </summary>
/// <param name="Resource">The resource of the app model it is an instance of (<c>worker</c>).</param>
/// <param name="Url">Where it answers HTTP (a project replica itself, not Aspire's proxy in front of them; the storage).</param>
/// <param name="ConnectionString">What a client of this machine connects with (directly, not through a fault proxy).</param>
public sealed record StackResource(string Name, string Resource, string Url = "", string ConnectionString = "")
{
    public string Endpoint => Url;
}

/// <summary>The stack's resources, read from Aspire once it runs.</summary>
public sealed record StackResources(
    StackResource Postgres,
    StackResource Database,
    StackResource Storage,
    StackResource Cache,
    StackResource Messaging,
    StackResource Scanner,
    IReadOnlyList<StackResource> Apis,
    IReadOnlyList<StackResource> Workers)
{
    public StackResource Api => Apis[0];
    public StackResource Worker => Workers[0];

    public IEnumerable<StackResource> Projects => Apis.Concat(Workers);
}
