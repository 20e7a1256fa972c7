namespace Uploads.AppHost.Publishing;

/// <param name="Default">What Aspire publishes as the default: a literal <c>value</c> (then the parameter is that value), or how to generate one.</param>
public sealed record ParameterInput(string Type, bool Secret, string? Description = null, ParameterDefault? Default = null)
{
    /// <summary>The value the model fixed (<c>AddParameter(name, value, publishValueAsDefault: true)</c>); nothing for an operator to set.</summary>
    public string? Literal => Default?.Value;
}
