namespace Uploads.AppHost.Publishing;

public sealed record ParameterInput(string Type, bool Secret, string Description);
