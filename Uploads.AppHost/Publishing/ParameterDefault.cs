namespace Uploads.AppHost.Publishing;

/// <param name="Value">A literal default; null where Aspire says how to generate one instead (a password).</param>
public sealed record ParameterDefault(string? Value);
