namespace Uploads.AppHost.Publishing;

public sealed record ManifestBinding(string Scheme, string Protocol, string Transport, int TargetPort, bool External = false);
