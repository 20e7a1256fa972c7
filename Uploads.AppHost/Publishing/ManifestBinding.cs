namespace Uploads.AppHost.Publishing;

/// <param name="TargetPort">The port inside the container; Aspire leaves it out for a project, which listens on .NET's default.</param>
public sealed record ManifestBinding(string Scheme, string Protocol, string Transport, int? TargetPort, bool External = false);
