namespace Uploads.AppHost.ApplicationModel;

public sealed record LiteralValue(string Value) : EnvironmentValue
{
    public override string Resolve() => Value;
    public override string Expression => Value;
}
