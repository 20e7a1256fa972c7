namespace Uploads.Cli.Configuration;

/// <summary>Where the client keeps its settings and its push state: beside the user's config, never in the folder pushed.</summary>
public static class ClientPaths
{
    /// <summary><c>$XDG_CONFIG_HOME/uploads</c>, or <c>~/.config/uploads</c>.</summary>
    public static string ConfigDirectory =>
        Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } configHome
                ? configHome
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"),
            "uploads");

    public static string SettingsFile => Path.Combine(ConfigDirectory, "config.json");

    public static string StateDirectory => Path.Combine(ConfigDirectory, "state");
}
