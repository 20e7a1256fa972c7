namespace Uploads.AppHost.Publishing;

/// <param name="Source">A file written beside the manifest, relative to it.</param>
public sealed record ManifestBindMount(string Source, string Target, bool ReadOnly = true);
