namespace Uploads.AppHost.Publishing;

public sealed record ManifestVolume(string Name, string Target, bool ReadOnly = false);
