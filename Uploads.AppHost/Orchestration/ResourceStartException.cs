namespace Uploads.AppHost.Orchestration;

public sealed class ResourceStartException(string message, string outputTail)
    : Exception(outputTail.Length == 0 ? message : $"{message}{Environment.NewLine}Its last output:{Environment.NewLine}{outputTail}");
