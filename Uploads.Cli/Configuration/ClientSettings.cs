using System.Text.Json;

namespace Uploads.Cli.Configuration;

/// <summary>The API the client talks to and its token: from the command line, else <c>UPLOADS_API</c>/<c>UPLOADS_TOKEN</c>, else <c>uploads login</c>'s file.</summary>
public sealed record ClientSettings(Uri Api, string Token)
{
    public static ClientSettings Resolve(string? api, string? token)
    {
        var saved = Load();
        api ??= Environment.GetEnvironmentVariable("UPLOADS_API") ?? saved?.Api;
        token ??= Environment.GetEnvironmentVariable("UPLOADS_TOKEN") ?? saved?.Token;
        if (api is null || token is null)
        {
            throw new UsageException("No API to talk to: run `uploads login --api URL --token TOKEN`, set UPLOADS_API and UPLOADS_TOKEN, or pass --api and --token.");
        }

        return new ClientSettings(ParseApi(api), token);
    }

    public static Uri ParseApi(string api) =>
        Uri.TryCreate(api.EndsWith('/') ? api : api + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"--api is an http(s) URL, such as http://localhost:5080; got {api}.");

    /// <summary>
    /// Saves the settings readable by the user only: the token is a secret. The file is written new every time (a
    /// temporary file left by an earlier run, with whatever mode it had, is removed first), then renamed into place.
    /// </summary>
    public void Save()
    {
        Directory.CreateDirectory(ClientPaths.ConfigDirectory);
        var temporary = ClientPaths.SettingsFile + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(file, new SavedSettings(Api.ToString(), Token));
        }

        if (!OperatingSystem.IsWindows())
        {
            // The process's umask may have taken bits away, never added them; this makes the mode exactly 600.
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, ClientPaths.SettingsFile, overwrite: true);
    }

    static SavedSettings? Load()
    {
        try
        {
            return File.Exists(ClientPaths.SettingsFile) ? JsonSerializer.Deserialize<SavedSettings>(File.ReadAllText(ClientPaths.SettingsFile)) : null;
        }
        catch (JsonException)
        {
            throw new UsageException($"{ClientPaths.SettingsFile} is not valid: run `uploads login` again.");
        }
    }

    sealed record SavedSettings(string Api, string Token);
}

/// <summary>A problem with how the client was called or configured: reported in one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
